import { escapeHtml } from './http-util.js';
import type { PendingConsent } from './oauth-store.js';
import type { FakeOAuthApp, FakeUser } from './types.js';

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}' +
  'button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;cursor:pointer}' +
  '.note{color:#777;font-size:.85rem}';

/** Wraps a page body in a minimal HTML document. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}<p class="note">Fake Yandex for tests — not the real service.</p></body></html>`;
}

/** The consent screen of /authorize when auto-approve is off. */
export function consentPage(consent: PendingConsent, app: FakeOAuthApp, user: FakeUser): string {
  const scopes = consent.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return page(
    'Allow access?',
    `<h1>Allow access?</h1><p><strong>${escapeHtml(app.name)}</strong> asks for access to the account <strong>${escapeHtml(user.login)}</strong>:</p>` +
      `<ul>${scopes}</ul>` +
      `<form method="post" action="/authorize/consent"><input type="hidden" name="request_id" value="${escapeHtml(consent.id)}">` +
      `<button type="submit" name="decision" value="allow" id="allow">Allow</button>` +
      `<button type="submit" name="decision" value="deny" id="deny">Deny</button></form>`,
  );
}

/** The page behind `verification_url` where a user types the device flow's user code. */
export function devicePage(prefill: string, message?: string): string {
  return page(
    'Enter the code',
    `<h1>Enter the code</h1>${message ? `<p id="message">${escapeHtml(message)}</p>` : ''}` +
      `<form method="post" action="/device"><label>Code <input name="user_code" id="user_code" value="${escapeHtml(prefill)}" autocomplete="off"></label>` +
      `<p><button type="submit" name="decision" value="allow" id="allow">Allow</button>` +
      `<button type="submit" name="decision" value="deny" id="deny">Deny</button></p></form>`,
  );
}

/**
 * `/verification_code` (docs/yandex-api.md 2.2): shows the code from the query, or the token data
 * from the fragment (which never reaches the server, hence the script).
 */
export function verificationCodePage(code: string | null, error: string | null): string {
  const shown = code
    ? `<p>Your confirmation code:</p><p><code id="code">${escapeHtml(code)}</code></p>`
    : error
      ? `<p id="error">Error: ${escapeHtml(error)}</p>`
      : `<p id="fragment">No code in the query.</p>` +
        `<script>var p=new URLSearchParams(location.hash.slice(1));var el=document.getElementById('fragment');` +
        `if(p.get('access_token')){el.textContent='Your token: '+p.get('access_token');}else if(p.get('error')){el.textContent='Error: '+p.get('error');}</script>`;
  return page('Verification code', `<h1>Verification code</h1>${shown}`);
}
