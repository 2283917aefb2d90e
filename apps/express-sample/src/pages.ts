/** The pages of the sample, as pure functions of their data (escaped by `html`). */
import type { SignInErrorCode } from '@tracker-auth/core';
import type { WebErrorDetails } from '@tracker-auth/core/adapter';
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
<p><a class="button" id="sign-in" href="/auth/sign-in">Sign in with Yandex</a></p>
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
<form method="post" action="/auth/sign-out"><button type="submit" id="sign-out">Sign out</button></form>
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

/** An error page: status, code, the (non-secret) message and Tracker's field errors, when it gave any. */
export function errorPage(options: { mode: string; status: number; code: string; message: string; details?: WebErrorDetails | undefined; signIn: boolean }): string {
  const fields = Object.entries(options.details?.errors ?? {});
  const messages = options.details?.errorMessages ?? [];
  return layout(
    'Error',
    html`<h1>Something went wrong (${options.status})</h1>
<p id="error-code"><code>${options.code}</code></p>
<p id="error-message">${options.message}</p>
${
  fields.length > 0 || messages.length > 0
    ? html`<h2>What Tracker said</h2>
<ul id="error-details">${fields.map(([field, text]) => html`<li><code>${field}</code>: ${text}</li>`)}${messages.map((text) => html`<li>${text}</li>`)}</ul>`
    : ''
}
${options.signIn ? html`<p><a class="button" href="/auth/sign-in">Sign in again</a></p>` : html`<p><a href="/">Back home</a></p>`}`,
    options,
  );
}

/** What each sign-in failure means for the person at the browser. */
const SIGN_IN_ERRORS: Record<SignInErrorCode, string> = {
  access_denied: 'You declined the access request on the Yandex page, so the app cannot act for you.',
  unauthorized_client: 'Yandex refused this app (it may be blocked or still in moderation).',
  oauth_error: 'Yandex reported an error while signing you in.',
  state_missing: 'This browser has no sign-in in progress: it took longer than 10 minutes, cookies are blocked, or sign-in started on another address of the app.',
  state_mismatch: 'This answer from Yandex belongs to another sign-in (another tab, or a stale link).',
  callback_invalid: 'The answer from Yandex was malformed.',
  exchange_failed: 'The app could not complete the sign-in with Yandex (it refused the code, or could not be reached).',
};

/** Where a failed sign-in lands (`errorPath`): the fixed code from core and what it means. */
export function signInErrorPage(options: { mode: string; code: SignInErrorCode | undefined }): string {
  return layout(
    'Sign-in failed',
    html`<h1>Sign-in failed</h1>
<p id="sign-in-error"><code>${options.code ?? 'unknown'}</code></p>
<p id="sign-in-error-message">${options.code ? SIGN_IN_ERRORS[options.code] : 'Sign-in did not complete.'}</p>
<p><a class="button" id="try-again" href="/auth/sign-in">Try again</a> <a href="/">Back home</a></p>`,
    options,
  );
}
