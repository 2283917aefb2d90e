import { randomUUID } from 'node:crypto';
import { toNanoRfc3339 } from './clock.js';
import type { RequestContext } from './context.js';
import { sendJson } from './http-util.js';
import { JwtRejected, verifyServiceAccountJwt } from './jwt-verify.js';
import { authorizedKeys, generateRsaKeyPair, modulusLengthOf, publicKeyObject } from './keys.js';
import type { FakeState } from './state.js';
import type { FakeServiceAccount, PemKeyPair } from './types.js';

/** google.rpc codes → HTTP statuses (docs/yandex-api.md 3.7). */
const HTTP_FOR_CODE: Record<number, number> = { 3: 400, 5: 404, 7: 403, 8: 429, 13: 500, 14: 503, 16: 401 };

/** A google.rpc.Status-style body (docs/yandex-api.md 3.7). */
export function iamErrorBody(code: number, message: string): Record<string, unknown> {
  return { code, message, details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo', requestId: randomUUID() }] };
}

/** HTTP status for a google.rpc code. */
export function httpStatusForRpc(code: number): number {
  return HTTP_FOR_CODE[code] ?? 500;
}

/** `POST /iam/v1/tokens` and service-account bookkeeping. */
export class IamApi {
  constructor(private readonly state: FakeState) {}

  private error(ctx: RequestContext, code: number, message: string): void {
    sendJson(ctx.res, httpStatusForRpc(code), iamErrorBody(code, message));
  }

  /**
   * Creates a service account with one authorized key (a fresh RSA 2048 pair unless one is
   * given) and a Tracker identity that belongs to the cloud organizations.
   */
  createServiceAccount(opts: { name?: string; keyPair?: PemKeyPair; serviceAccountId?: string; keyId?: string } = {}): FakeServiceAccount {
    const id = opts.serviceAccountId ?? this.state.ids.cloudId('aje');
    const name = opts.name ?? `sa-${id.slice(-6)}`;
    const user = this.state.addUser({ login: name, firstName: name, lastName: '(service account)', cloudUid: id, serviceAccountId: id, email: `${name}@sa.example.com` });
    this.state.serviceAccounts.set(id, { id, name, uid: user.uid });
    return { serviceAccountId: id, name, ...this.addKey(id, opts.keyPair, opts.keyId) };
  }

  /** Adds another authorized key to an existing service account. */
  addKey(serviceAccountId: string, keyPair?: PemKeyPair, keyId?: string): Pick<FakeServiceAccount, 'key' | 'keyWithNotice'> {
    if (!this.state.serviceAccounts.has(serviceAccountId)) throw new TypeError(`iam.addKey: no service account ${serviceAccountId}`);
    const pair = keyPair ?? generateRsaKeyPair();
    const id = keyId ?? this.state.ids.cloudId('ajf');
    this.state.keys.set(id, { id, serviceAccountId, publicKey: publicKeyObject(pair.publicKey) });
    return authorizedKeys(id, serviceAccountId, new Date(this.state.clock.now()).toISOString(), pair, modulusLengthOf(pair.publicKey));
  }

  /** `POST /iam/v1/tokens` (docs/yandex-api.md 3.1, 3.3). */
  async tokens(ctx: RequestContext): Promise<void> {
    if (ctx.method !== 'POST') return this.error(ctx, 3, `${ctx.method} is not supported; use POST`);
    const text = await ctx.body();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.error(ctx, 3, 'request body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return this.error(ctx, 3, 'request body must be a JSON object');
    ctx.noteJson(body);
    const fields = Object.keys(body);
    const b = body as Record<string, unknown>;
    // Exactly one of the two, and nothing else (docs/yandex-api.md 3.1).
    const extra = fields.filter((f) => f !== 'yandexPassportOauthToken' && f !== 'jwt');
    if (extra.length > 0) return this.error(ctx, 3, `unknown field(s): ${extra.join(', ')}`);
    if (fields.length !== 1) return this.error(ctx, 3, 'exactly one of yandexPassportOauthToken or jwt is required');
    if (typeof b.yandexPassportOauthToken === 'string') {
      const rec = this.state.liveOAuth(b.yandexPassportOauthToken);
      if (!rec || !this.state.users.has(rec.uid)) return this.error(ctx, 16, 'The OAuth token is invalid or expired');
      return this.send(ctx, rec.uid, undefined);
    }
    if (typeof b.jwt === 'string') {
      try {
        const key = verifyServiceAccountJwt(this.state, b.jwt);
        const sa = this.state.serviceAccounts.get(key.serviceAccountId);
        if (!sa) return this.error(ctx, 16, 'service account not found');
        return this.send(ctx, sa.uid, sa.id);
      } catch (e) {
        if (e instanceof JwtRejected) return this.error(ctx, 16, e.message);
        throw e;
      }
    }
    return this.error(ctx, 3, 'the credential must be a string');
  }

  private send(ctx: RequestContext, uid: number, serviceAccountId: string | undefined): void {
    const rec = this.state.issueIam(uid, serviceAccountId);
    sendJson(ctx.res, 200, { iamToken: rec.token, expiresAt: toNanoRfc3339(rec.expiresAt) });
  }
}
