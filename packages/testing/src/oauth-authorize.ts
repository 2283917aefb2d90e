import type { RequestContext } from './context.js';
import { redirect, sendText } from './http-util.js';
import { consentPage, devicePage, page, verificationCodePage } from './oauth-pages.js';
import { redirectUriAllowed, type AuthorizeRequest, type OAuthStore } from './oauth-store.js';
import { parseScopes, validDeviceId } from './oauth-token.js';
import type { FakeState } from './state.js';
import type { FakeUser } from './types.js';
import { escapeHtml, isForm } from './http-util.js';

function errorPage(ctx: RequestContext, status: number, error: string, description: string): void {
  sendText(ctx.res, status, page('Error', `<h1 id="error">${escapeHtml(error)}</h1><p id="error_description">${escapeHtml(description)}</p>`), 'text/html; charset=utf-8');
}

/**
 * The browser-facing side of Yandex OAuth: `/authorize` (docs/yandex-api.md 2.1, 2.2), its consent
 * form, the device-flow code page and `/verification_code`.
 */
export class OAuthAuthorizeApi {
  constructor(
    private readonly state: FakeState,
    private readonly store: OAuthStore,
    private readonly defaultUser: () => FakeUser,
  ) {}

  /** `GET /authorize`. */
  authorize(ctx: RequestContext): void {
    if (ctx.method !== 'GET') return errorPage(ctx, 405, 'invalid_request', 'use GET');
    const q = ctx.url.searchParams;
    const clientId = q.get('client_id');
    const app = clientId ? this.state.apps.get(clientId) : undefined;
    // Until client and redirect URI are trusted, errors are shown, never redirected.
    if (!clientId) return errorPage(ctx, 400, 'invalid_request', 'client_id is missing');
    if (!app) return errorPage(ctx, 400, 'invalid_client', 'unknown client_id');
    const redirectUri = q.get('redirect_uri') ?? app.redirectUris[0] ?? '';
    if (!redirectUriAllowed(app, redirectUri)) return errorPage(ctx, 400, 'invalid_request', 'redirect_uri is not registered for this app');
    const state = q.get('state') ?? undefined;
    const responseType = q.get('response_type');
    const fail = (error: string, description: string) => {
      const target = new URL(redirectUri);
      const p = new URLSearchParams({ error, error_description: description });
      if (state !== undefined) p.set('state', state);
      if (responseType === 'token') target.hash = p.toString();
      else for (const [k, v] of p) target.searchParams.append(k, v);
      redirect(ctx.res, target.toString());
    };
    if (responseType !== 'code' && responseType !== 'token') return fail('unsupported_response_type', 'response_type must be code or token');
    const requested = parseScopes(q.get('scope')) ?? app.scopes;
    const bad = requested.find((s) => !app.scopes.includes(s));
    if (bad) return fail('invalid_scope', `the app may not request ${bad}`);
    const askedOptional = parseScopes(q.get('optional_scope')) ?? [];
    // Optional rights the app may not have are dropped, not refused: fewer rights than asked.
    const optional = askedOptional.filter((s) => app.scopes.includes(s));
    const challenge = q.get('code_challenge') ?? undefined;
    const methodRaw = q.get('code_challenge_method');
    if (methodRaw !== null && methodRaw !== 'S256' && methodRaw !== 'plain') return fail('invalid_request', 'code_challenge_method must be S256 or plain');
    if (challenge !== undefined && !/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) return fail('invalid_request', 'code_challenge is malformed');
    const deviceId = q.get('device_id') ?? undefined;
    if (deviceId !== undefined && !validDeviceId(deviceId)) return fail('invalid_request', 'device_id must be 6-50 printable ASCII characters');
    const request: AuthorizeRequest = {
      responseType,
      clientId: app.clientId,
      redirectUri,
      scopes: [...new Set([...requested, ...optional])],
      askedScopes: [...new Set([...requested, ...askedOptional])],
      state,
      loginHint: q.get('login_hint') ?? undefined,
      codeChallenge: challenge,
      // RFC 7636 4.3: the method defaults to plain when a challenge comes alone.
      codeChallengeMethod: challenge !== undefined ? ((methodRaw ?? 'plain') as 'S256' | 'plain') : undefined,
      deviceId,
      deviceName: q.get('device_name') ?? undefined,
    };
    const user = this.store.userFor(request.loginHint, this.defaultUser());
    const decision = this.store.hook?.({ ...request, user }) ?? (this.store.autoApprove ? 'allow' : undefined);
    if (decision) return redirect(ctx.res, this.store.completeAuthorize(request, user.uid, decision));
    const consent = this.store.newConsent(request, user.uid);
    sendText(ctx.res, 200, consentPage(consent, app, user), 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
  }

  /** `POST /authorize/consent` — the Allow/Deny buttons of the consent page. */
  async consent(ctx: RequestContext): Promise<void> {
    if (ctx.method !== 'POST' || !isForm(ctx.req)) return errorPage(ctx, 400, 'invalid_request', 'submit the consent form');
    const form = await ctx.form();
    const consent = this.store.consents.get(form.get('request_id') ?? '');
    if (!consent) return errorPage(ctx, 400, 'invalid_request', 'this consent request is unknown or was already answered');
    this.store.consents.delete(consent.id);
    redirect(ctx.res, this.store.completeAuthorize(consent, consent.uid, form.get('decision') === 'allow' ? 'allow' : 'deny'));
  }

  /** `GET|POST /device` — where the user enters the device flow's user code. */
  async device(ctx: RequestContext): Promise<void> {
    const html = 'text/html; charset=utf-8';
    if (ctx.method === 'GET') return sendText(ctx.res, 200, devicePage(ctx.url.searchParams.get('user_code') ?? ''), html);
    if (ctx.method !== 'POST' || !isForm(ctx.req)) return errorPage(ctx, 400, 'invalid_request', 'submit the code form');
    const form = await ctx.form();
    const rec = this.store.deviceByUserCode(form.get('user_code') ?? '');
    if (!rec || rec.status !== 'pending' || rec.expiresAt <= this.state.clock.now()) {
      return sendText(ctx.res, 400, devicePage('', 'Unknown or expired code.'), html);
    }
    const allow = form.get('decision') !== 'deny';
    rec.status = allow ? 'approved' : 'denied';
    rec.uid = this.store.userFor(undefined, this.defaultUser()).uid;
    sendText(ctx.res, 200, page('Done', `<h1 id="done">${allow ? 'Access allowed' : 'Access denied'}</h1><p>Return to your device.</p>`), html);
  }

  /** `GET /verification_code` (docs/yandex-api.md 2.2). */
  verificationCode(ctx: RequestContext): void {
    const q = ctx.url.searchParams;
    sendText(ctx.res, 200, verificationCodePage(q.get('code'), q.get('error')), 'text/html; charset=utf-8', { 'cache-control': 'no-store' });
  }
}
