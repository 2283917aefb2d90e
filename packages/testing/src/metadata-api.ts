import type { RequestContext } from './context.js';
import { header, sendJson, sendText } from './http-util.js';
import type { FakeState, IamTokenRecord } from './state.js';

/** The token path of the metadata service (docs/yandex-api.md 3.5). */
export const METADATA_TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token';
/** A cached token is handed out while it has at least this long left (docs/yandex-api.md 3.5). */
const MIN_REMAINING_MS = 15 * 60_000;

/**
 * The VM metadata service's token endpoint: requires `Metadata-Flavor: Google` (else 403, as
 * GCE), returns the same IAM token with a counting-down `expires_in` until it nears expiry,
 * and can be rate limited (Yandex reports ~60 rps) with 429.
 */
export class MetadataApi {
  serviceAccountId: string | undefined;
  rateLimit: number | undefined;
  private readonly recent: number[] = [];
  private cached: IamTokenRecord | undefined;

  constructor(private readonly state: FakeState) {}

  /** Forget the cached token (e.g. after switching service accounts). */
  resetCache(): void {
    this.cached = undefined;
  }

  handle(ctx: RequestContext): void {
    if (ctx.method !== 'GET') return sendText(ctx.res, 405, 'Method Not Allowed\n');
    if (header(ctx.req, 'metadata-flavor') !== 'Google') {
      return sendText(ctx.res, 403, 'Missing required header: Metadata-Flavor: Google\n');
    }
    if (this.rateLimit !== undefined) {
      // A one-second sliding window in real time: rate limits are about real request rates.
      const t = performance.now();
      while (this.recent.length > 0 && (this.recent[0] ?? 0) <= t - 1000) this.recent.shift();
      if (this.recent.length >= this.rateLimit) return sendText(ctx.res, 429, 'Too Many Requests\n');
      this.recent.push(t);
    }
    const sa = this.serviceAccountId ? this.state.serviceAccounts.get(this.serviceAccountId) : undefined;
    if (!sa) return sendText(ctx.res, 404, 'No service account is attached to this instance\n');
    const now = this.state.clock.now();
    const c = this.cached;
    if (!c || c.revoked || c.uid !== sa.uid || c.expiresAt - now < MIN_REMAINING_MS) {
      this.cached = this.state.issueIam(sa.uid, sa.id);
    }
    const rec = this.cached as IamTokenRecord;
    sendJson(ctx.res, 200, { access_token: rec.token, expires_in: this.state.secondsLeft(rec.expiresAt), token_type: 'Bearer' }, { 'metadata-flavor': 'Google' });
  }
}
