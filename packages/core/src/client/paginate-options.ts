/**
 * Options of `paginate()` and their validation, at the call (docs/architecture.md principle 4): a bad
 * option throws before any request, not halfway through a list.
 */
import { ConfigurationError } from '../errors.js';

/** Scroll mode of issue search (docs/yandex-api.md 1.6): Tracker's way past 10 000 results. */
export interface ScrollOptions {
  /** Tracker's `scrollType`: `'sorted'` (default; the search's order) or `'unsorted'` (any order, cheaper for Tracker). */
  type?: 'sorted' | 'unsorted' | undefined;
  /** Tracker's `perScroll`: issues per page, 1–1000. Default: Tracker's (100). */
  perScroll?: number | undefined;
  /**
   * Tracker's `scrollTTLMillis`: how long the scroll lives after each page, 1–60 000 ms.
   * Default 60 000, not Tracker's 5 000: the time your loop spends on one page's items counts
   * against it, and the scroll is released when the loop ends anyway.
   */
  ttlMillis?: number | undefined;
  /**
   * Release the scroll on Tracker (`POST system/search/scroll/_clear`) when the loop ends: read
   * to the end, `break`, `limit`, or an error. Default `true`.
   */
  release?: boolean | undefined;
}

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** `'GET'` (default) or `'POST'` (the default when `json` is given, e.g. `issues/_search`). */
  method?: 'GET' | 'POST' | 'get' | 'post' | undefined;
  /** JSON body, sent again with every page (issue search criteria). */
  json?: unknown;
  /** Query parameters of the first page (`expand`, `order`, a start `page`, …). Later pages follow Tracker's links. */
  searchParams?: URLSearchParams | Record<string, string | number | boolean> | undefined;
  /** Page mode: items per page (Tracker's `perPage`; Tracker's default is 50). */
  perPage?: number | undefined;
  /**
   * Scroll mode, for `POST issues/_search` only: `true` or {@link ScrollOptions}. Needed past
   * 10 000 results, where page mode stops.
   */
  scroll?: boolean | ScrollOptions | undefined;
  /** Stop after this many items (no page beyond the one that holds the last is fetched). */
  limit?: number | undefined;
  /** Aborts the walk: the pending request, and the iterator at its next step ({@link AbortedError}). */
  signal?: AbortSignal | undefined;
}

/** What the walkers need: validated options with defaults filled in. */
export interface PaginatePlan {
  method: 'GET' | 'POST';
  /** The path without its query. */
  path: string;
  /** The query of `path` merged with `searchParams` and `perPage`. */
  query: URLSearchParams;
  json: unknown;
  hasJson: boolean;
  limit: number | undefined;
  signal: AbortSignal | undefined;
  scroll: ScrollPlan | undefined;
}

/** {@link ScrollOptions} with defaults filled in (`perScroll` stays Tracker's when not given). */
export interface ScrollPlan {
  type: 'sorted' | 'unsorted';
  perScroll: number | undefined;
  ttlMillis: number;
  release: boolean;
}

/** Query parameters the scroll protocol owns: set through `scroll`, never by hand. */
const SCROLL_PARAMS = ['scrollType', 'perScroll', 'scrollTTLMillis', 'scrollId', 'scrollToken'];
const FN = 'paginate';

function fail(field: string, message: string): never {
  throw new ConfigurationError('INVALID_OPTION', field, `${FN}: ${message}`);
}

function intIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `\`${field}\` must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}.`);
  }
  return value;
}

/**
 * Validate {@link paginate}'s arguments and resolve the plan.
 *
 * @internal
 * @throws {ConfigurationError} `INVALID_OPTION` with the offending `field`.
 */
export function resolvePaginatePlan(tracker: unknown, path: unknown, value: unknown): PaginatePlan {
  if (typeof tracker !== 'function' || typeof (tracker as { post?: unknown }).post !== 'function') {
    fail('tracker', '`tracker` must be the client from createTrackerClient().');
  }
  if (typeof path !== 'string' || path.trim() === '') fail('path', '`path` must be a non-empty string such as `queues` or `issues/_search`.');
  if (path.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
    fail('path', '`path` must be relative to the client (`issues/_search`, no leading slash or origin): links are always resolved against the client\'s own Tracker URL.');
  }
  if (/^v[23]\//.test(path)) {
    fail('path', '`path` must not start with the API version: the client adds it (createTrackerClient({ apiVersion })); write `queues`, not `v3/queues`.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail('options', '`options` must be an object.');
  const options = value as PaginateOptions;

  const hasJson = options.json !== undefined;
  const method = (options.method ?? (hasJson ? 'POST' : 'GET')).toString().toUpperCase();
  if (method !== 'GET' && method !== 'POST') fail('method', "`method` must be 'GET' or 'POST'.");
  if (hasJson && method === 'GET') fail('json', "`json` needs `method: 'POST'` (a GET has no body).");

  const cut = path.indexOf('?');
  const bare = cut < 0 ? path : path.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? '' : path.slice(cut + 1));
  const given = options.searchParams;
  if (given !== undefined) {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) fail('searchParams', '`searchParams` must be a URLSearchParams or a plain object.');
    const entries = given instanceof URLSearchParams ? [...given] : Object.entries(given);
    for (const [key, v] of entries) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`searchParams.${key}`, `\`searchParams.${key}\` must be a string, number or boolean.`);
      query.set(key, String(v));
    }
  }
  for (const key of SCROLL_PARAMS) {
    if (query.has(key)) fail(`searchParams.${key}`, `\`${key}\` belongs to the scroll protocol: use the \`scroll\` option, and paginate() sends it.`);
  }
  if (options.perPage !== undefined) query.set('perPage', String(intIn(options.perPage, 'perPage', 1, Number.MAX_SAFE_INTEGER)));
  if (query.has('page') && !/^[1-9]\d*$/.test(query.get('page') ?? '')) fail('searchParams.page', '`page` must be an integer ≥ 1.');

  const limit = options.limit === undefined ? undefined : intIn(options.limit, 'limit', 0, Number.MAX_SAFE_INTEGER);
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')) {
    fail('signal', '`signal` must be an AbortSignal.');
  }

  let scroll: PaginatePlan['scroll'];
  if (options.scroll !== undefined && options.scroll !== false) {
    const s = options.scroll === true ? {} : options.scroll;
    if (s === null || typeof s !== 'object' || Array.isArray(s)) fail('scroll', '`scroll` must be true or an object of scroll options.');
    if (method !== 'POST' || !/(^|\/)issues\/_search\/?$/.test(bare)) {
      fail('scroll', "`scroll` works for issue search only: paginate(tracker, 'issues/_search', { json: { filter }, scroll: true }).");
    }
    if (query.has('perPage') || query.has('page')) fail('perPage', '`perPage` and `page` are page-mode parameters; in scroll mode use `scroll.perScroll`.');
    const type = s.type ?? 'sorted';
    if (type !== 'sorted' && type !== 'unsorted') fail('scroll.type', "`scroll.type` must be 'sorted' or 'unsorted'.");
    if (s.release !== undefined && typeof s.release !== 'boolean') fail('scroll.release', '`scroll.release` must be a boolean.');
    scroll = {
      type,
      perScroll: s.perScroll === undefined ? undefined : intIn(s.perScroll, 'scroll.perScroll', 1, 1000),
      ttlMillis: s.ttlMillis === undefined ? 60_000 : intIn(s.ttlMillis, 'scroll.ttlMillis', 1, 60_000),
      release: s.release ?? true,
    };
  }

  return { method, path: bare, query, json: options.json, hasJson, limit, signal, scroll };
}
