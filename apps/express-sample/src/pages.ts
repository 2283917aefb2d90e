/** The pages of the sample, as pure functions of their data (escaped by `html`). */
import { html, layout } from './html.js';

export interface Profile {
  login?: string;
  display?: string;
  uid?: number | string;
  email?: string;
}

export interface Queue {
  key: string;
  name?: string;
}

export interface HomeData {
  mode: string;
  profile: Profile;
  queues: Queue[];
  created?: string | undefined;
  /** Whether `/service` (the app's own credential) is available. */
  serviceMode?: boolean | undefined;
}

/** Signed out: one button to sign in with Yandex. */
export function signedOutPage(options: { mode: string; demoLogin?: string | undefined }): string {
  return layout(
    'Sign in',
    html`<h1>Yandex Tracker, from Express</h1>
<p>Sign in with your Yandex account to see who you are in Tracker, list queues and create an issue.</p>
<p><a class="button" id="sign-in" href="/auth/login">Sign in with Yandex</a></p>
${options.demoLogin ? html`<p class="hint">Demo mode: the fake Yandex signs you in as <code>${options.demoLogin}</code> without a password.</p>` : ''}`,
    options,
  );
}

/** Signed in: profile, queues, the create-issue form and the proxy-driven issue list. */
export function homePage(data: HomeData): string {
  const name = data.profile.display ?? data.profile.login ?? 'you';
  return layout(
    'Home',
    html`<section>
<h1>Hello, <span id="display-name">${name}</span></h1>
<p>Tracker knows you as <code id="login">${data.profile.login ?? ''}</code> (uid <code>${data.profile.uid ?? ''}</code>).</p>
<form method="post" action="/auth/logout"><button type="submit" id="sign-out">Sign out</button></form>
${data.serviceMode ? html`<p><a href="/service" id="service-link">What the app's own credential sees (service mode)</a></p>` : ''}
</section>
${data.created ? html`<p class="notice" id="created">Created issue <strong>${data.created}</strong>.</p>` : ''}
<section>
<h2>Queues</h2>
<ul id="queues">${data.queues.map((q) => html`<li><code>${q.key}</code> ${q.name ?? ''}</li>`)}</ul>
</section>
<section>
<h2>Create an issue</h2>
<form method="post" action="/issues" id="create-issue">
<label>Queue <select name="queue">${data.queues.map((q) => html`<option value="${q.key}">${q.key}</option>`)}</select></label>
<label>Summary <input name="summary" required maxlength="255"></label>
<label>Description <textarea name="description" maxlength="10000"></textarea></label>
<button type="submit">Create</button>
</form>
</section>
<section>
<h2>Issues (loaded by the browser through the proxy)</h2>
<p class="hint">This list is loaded by <code>/static/app.js</code> from <code>/api/tracker/v3/issues/_search</code>: the browser never holds a token.</p>
<ul id="issues" data-queue="${data.queues[0]?.key ?? ''}"><li>Loading…</li></ul>
</section>
<script src="/static/app.js" defer></script>`,
    data,
  );
}

/** Service mode: the app's own credential, the same for every visitor (no sign-in needed). */
export function servicePage(data: { mode: string; profile: Profile; queues: Queue[] }): string {
  return layout(
    'Service mode',
    html`<h1>The app's own credential</h1>
<p>This page uses the credential from the <code>TRACKER_*</code> environment variables (service mode), not your sign-in.</p>
<p>Tracker knows it as <code id="service-login">${data.profile.login ?? ''}</code>.</p>
<ul id="service-queues">${data.queues.map((q) => html`<li><code>${q.key}</code> ${q.name ?? ''}</li>`)}</ul>
<p><a href="/">Back home</a></p>`,
    data,
  );
}

/** An error page: status, a fixed title and the (non-secret) message of the error. */
export function errorPage(options: { mode: string; status: number; code: string; message: string; signIn: boolean }): string {
  return layout(
    'Error',
    html`<h1>Something went wrong (${options.status})</h1>
<p id="error-code"><code>${options.code}</code></p>
<p id="error-message">${options.message}</p>
${options.signIn ? html`<p><a class="button" href="/auth/login">Sign in again</a></p>` : html`<p><a href="/">Back home</a></p>`}`,
    options,
  );
}
