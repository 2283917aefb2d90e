import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestContext } from './context.js';
import { sendJson } from './http-util.js';
import { sendPage } from './page-mode.js';
import type { FakeState } from './state.js';
import type { FakeIssue, TrackerData } from './tracker-data.js';
import { trackerError } from './tracker-error.js';

/** Scroll limits (docs/yandex-api.md 1.6). */
export const SCROLL_LIMITS = { perScrollDefault: 100, perScrollMax: 1000, ttlDefaultMs: 5000, ttlMaxMs: 60_000 } as const;

/** Tracker's messages for the documented 400s and 403s of issue search. */
const ONLY_ONE_CRITERION = 'You can only use keys, a queue or a search query.';
const SCROLL_NOT_SUPPORTED = 'Scroll is not supported';
const EXPIRED_SIGNATURE = 'Expired signature';
const INVALID_SIGNATURE = 'Invalid signature';

/** A scroll's snapshot: the keys found when it started, and how far the caller has read. */
interface ScrollContext {
  id: string;
  uid: number;
  keys: string[];
  position: number;
  perScroll: number;
  ttlMs: number;
  expiresAt: number;
}

/** What a scroll token certifies: scroll id, user, expiry (fake-clock epoch ms). */
interface ScrollClaims {
  s: string;
  u: number;
  e: number;
}

/**
 * `POST /v2|v3/issues/_search` (docs/yandex-api.md 1.6): filtering, page mode, and scroll mode
 * (`scrollType`, `perScroll`, `scrollTTLMillis`, then `scrollId` + `scrollToken`).
 *
 * A scroll is a snapshot of the matching keys. Every non-empty page answers `X-Scroll-Id`
 * and a fresh `X-Scroll-Token` that certifies the user and expires `scrollTTLMillis` after
 * that answer (fake clock); `Link` rel `next` appears while items remain. A request after
 * the last item answers `[]` without scroll headers. An expired token → 403 "Expired
 * signature"; a missing, altered or other user's token → 403 "Invalid signature".
 * `POST system/search/scroll/_clear` ({@link IssueSearch.release}) ends scrolls early.
 */
export class IssueSearch {
  private readonly scrolls = new Map<string, ScrollContext>();
  /** Signs scroll tokens; per fake, so tokens of one fake mean nothing to another. */
  private readonly secret = randomBytes(32);

  constructor(
    private readonly state: FakeState,
    private readonly data: TrackerData,
    private readonly render: (issue: FakeIssue) => unknown,
  ) {}

  /** Answers one search whose JSON body is already parsed, for the user `uid`. */
  search(ctx: RequestContext, body: Record<string, unknown>, uid: number): void {
    const q = ctx.url.searchParams;
    const present = (k: string) => body[k] !== undefined && body[k] !== null;
    const byKeysOrQueue = present('keys') || present('queue');
    if (byKeysOrQueue && (present('filter') || present('query'))) return badRequest(ctx, ONLY_ONE_CRITERION);
    this.purgeExpired();
    const scrollId = q.get('scrollId');
    if (scrollId !== null) return this.continueScroll(ctx, scrollId, q.get('scrollToken'), uid);
    const scrollType = q.get('scrollType');
    if (scrollType === null) return sendPage(ctx, this.state.url, this.find(body), this.render);
    if (byKeysOrQueue) return badRequest(ctx, SCROLL_NOT_SUPPORTED);
    if (scrollType !== 'sorted' && scrollType !== 'unsorted') return badRequest(ctx, 'scrollType must be sorted or unsorted');
    const perScroll = intParam(q.get('perScroll'), SCROLL_LIMITS.perScrollDefault, SCROLL_LIMITS.perScrollMax);
    if (perScroll === undefined) return badRequest(ctx, `perScroll must be an integer 1..${SCROLL_LIMITS.perScrollMax}`);
    const ttlMs = intParam(q.get('scrollTTLMillis'), SCROLL_LIMITS.ttlDefaultMs, SCROLL_LIMITS.ttlMaxMs);
    if (ttlMs === undefined) return badRequest(ctx, `scrollTTLMillis must be an integer 1..${SCROLL_LIMITS.ttlMaxMs}`);
    const keys = this.find(body).map((i) => i.key);
    // Unsorted scrolls come back "in random order" (search-issues docs): clients must not rely on it.
    if (scrollType === 'unsorted') shuffle(keys);
    const context: ScrollContext = { id: randomBytes(16).toString('hex'), uid, keys, position: 0, perScroll, ttlMs, expiresAt: 0 };
    this.scrolls.set(context.id, context);
    this.sendScrollPage(ctx, context);
  }

  /**
   * `POST /v2|v3/system/search/scroll/_clear`, body `{ "<X-Scroll-Id>": "<X-Scroll-Token>", … }`
   * (Tracker's "Releasing scroll view resources"): answers 200 with an empty body. Each pair
   * whose token is valid for that scroll and this user ends the scroll; its next page is then
   * 403 "Expired signature", as for a lapsed TTL. Tracker documents no answer for other pairs
   * (expired, unknown, another user's): they are ignored, so nobody can end a scroll by its id
   * alone.
   */
  release(ctx: RequestContext, body: Record<string, unknown>, uid: number): void {
    const now = this.state.clock.now();
    for (const [scrollId, token] of Object.entries(body)) {
      const claims = typeof token === 'string' ? this.verify(token) : undefined;
      if (claims && claims.s === scrollId && claims.u === uid && claims.e > now) this.scrolls.delete(scrollId);
    }
    ctx.res.writeHead(200, { 'content-length': '0' });
    ctx.res.end();
  }

  /** Scrolls still held (neither past their TTL nor released), for tests. */
  get openScrolls(): number {
    this.purgeExpired();
    return this.scrolls.size;
  }

  private continueScroll(ctx: RequestContext, scrollId: string, token: string | null, uid: number): void {
    const claims = token === null ? undefined : this.verify(token);
    if (!claims || claims.s !== scrollId || claims.u !== uid) return forbidden(ctx, INVALID_SIGNATURE);
    const now = this.state.clock.now();
    const context = this.scrolls.get(scrollId);
    if (claims.e <= now || !context || context.expiresAt <= now) return forbidden(ctx, EXPIRED_SIGNATURE);
    const ttlRaw = ctx.url.searchParams.get('scrollTTLMillis');
    if (ttlRaw !== null) {
      const ttlMs = intParam(ttlRaw, context.ttlMs, SCROLL_LIMITS.ttlMaxMs);
      if (ttlMs === undefined) return badRequest(ctx, `scrollTTLMillis must be an integer 1..${SCROLL_LIMITS.ttlMaxMs}`);
      context.ttlMs = ttlMs;
    }
    this.sendScrollPage(ctx, context);
  }

  private sendScrollPage(ctx: RequestContext, context: ScrollContext): void {
    const slice = context.keys.slice(context.position, context.position + context.perScroll);
    context.position += slice.length;
    const items: unknown[] = [];
    for (const key of slice) {
      const issue = this.data.issues.get(key);
      if (issue) items.push(this.render(issue));
    }
    const headers: Record<string, string> = { 'x-total-count': String(context.keys.length) };
    if (slice.length > 0) {
      context.expiresAt = this.state.clock.now() + context.ttlMs;
      const token = this.sign({ s: context.id, u: context.uid, e: context.expiresAt });
      headers['x-scroll-id'] = context.id;
      headers['x-scroll-token'] = token;
      if (context.position < context.keys.length) {
        const next = new URL(ctx.url.pathname + ctx.url.search, this.state.url);
        for (const k of ['scrollType', 'perScroll', 'scrollId', 'scrollToken']) next.searchParams.delete(k);
        next.searchParams.set('scrollId', context.id);
        next.searchParams.set('scrollToken', token);
        headers.link = `<${next.toString()}>; rel="next"`;
      }
    }
    sendJson(ctx.res, 200, items, headers);
  }

  /** Issues matching the body: `queue`, `keys`, `filter.queue`, `filter.summary`, or `query` "Queue: KEY". */
  private find(body: Record<string, unknown>): FakeIssue[] {
    const filter = (body.filter && typeof body.filter === 'object' ? body.filter : {}) as Record<string, unknown>;
    const queue = typeof body.queue === 'string' ? body.queue : typeof filter.queue === 'string' ? filter.queue : undefined;
    const keys = typeof body.keys === 'string' ? [body.keys] : Array.isArray(body.keys) ? body.keys.map(String) : undefined;
    // A sliver of the query language, enough for samples: `Queue: KEY`.
    const queryQueue = typeof body.query === 'string' ? /queue:\s*"?([A-Z][A-Z0-9]*)"?/i.exec(body.query)?.[1]?.toUpperCase() : undefined;
    const summary = typeof filter.summary === 'string' ? filter.summary.toLowerCase() : undefined;
    const wanted = keys === undefined ? undefined : new Set(keys);
    return this.data.sortedView().filter(
      (i) =>
        (queue === undefined || i.queue === queue) &&
        (queryQueue === undefined || i.queue === queryQueue) &&
        (wanted === undefined || wanted.has(i.key)) &&
        (summary === undefined || i.summary.toLowerCase().includes(summary)),
    );
  }

  private purgeExpired(): void {
    const now = this.state.clock.now();
    for (const [id, c] of this.scrolls) if (c.expiresAt <= now) this.scrolls.delete(id);
  }

  private sign(claims: ScrollClaims): string {
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${payload}.${createHmac('sha256', this.secret).update(payload).digest('base64url')}`;
  }

  private verify(token: string): ScrollClaims | undefined {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined) return undefined;
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as ScrollClaims;
      return typeof c.s === 'string' && typeof c.u === 'number' && typeof c.e === 'number' ? c : undefined;
    } catch {
      return undefined;
    }
  }
}

/** An integer query parameter in 1..max, `fallback` when absent, undefined when invalid. */
function intParam(raw: string | null, fallback: number, max: number): number | undefined {
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : undefined;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
}

function badRequest(ctx: RequestContext, message: string): void {
  sendJson(ctx.res, 400, trackerError(400, [message]));
}

function forbidden(ctx: RequestContext, message: string): void {
  sendJson(ctx.res, 403, trackerError(403, [message]));
}
