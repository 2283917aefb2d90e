/**
 * Options of `paginate()` and their validation, at the call (docs/architecture.md principle 4): a bad
 * option throws before any request, not halfway through a list.
 */
import { isObject, optionFailer, type OptionFail } from '../validate.js';
import { splitPath } from './link-header.js';

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
  /** Sent with every page; `undefined` sends no body. */
  json: unknown;
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

/**
 * Validate {@link paginate}'s arguments and resolve the plan.
 *
 * @internal
 * @throws {ConfigurationError} `INVALID_OPTION` with the offending `field`.
 */
export function resolvePaginatePlan(tracker: unknown, path: unknown, value: unknown): PaginatePlan {
  const fail: OptionFail = optionFailer('paginate');
  /** `undefined`, or an integer from `min` to `max` (no upper bound when `max` is not given). */
  const intIn = <T>(value: T, field: string, min: number, max?: number): T => {
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > (max ?? Infinity))) {
      fail(field, `must be an integer ${max ? `from ${min} to ${max}` : `≥ ${min}`}`);
    }
    return value;
  };
  if (typeof tracker !== 'function' || typeof (tracker as { post?: unknown }).post !== 'function') {
    fail('tracker', 'must be the client from createTrackerClient()');
  }
  if (typeof path !== 'string' || !path.trim()) fail('path', 'must be a non-empty string such as `queues`');
  // Links are always resolved against the client's own Tracker URL, so no origin here; the
  // client adds the API version itself.
  if (/^(\/|[a-zA-Z][a-zA-Z0-9+.-]*:|v[23]\/)/.test(path)) fail('path', 'must be relative, such as `queues` (no leading slash, origin or `v3/`)');
  if (!isObject(value)) fail('options', 'must be an object');
  const { json, searchParams, perPage, limit, signal, scroll: scrollOption } = value as PaginateOptions;

  const hasJson = json !== undefined;
  const method = String(value.method ?? (hasJson ? 'POST' : 'GET')).toUpperCase();
  if (method !== 'GET' && method !== 'POST') fail('method', "must be 'GET' or 'POST'");
  if (hasJson && method === 'GET') fail('json', "needs `method: 'POST'`");

  const [bare, query] = splitPath(path);
  if (searchParams !== undefined) {
    if (!isObject(searchParams)) fail('searchParams', 'must be an object or URLSearchParams');
    for (const [key, v] of searchParams instanceof URLSearchParams ? searchParams : Object.entries(searchParams)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) fail(`searchParams.${key}`, 'must be a string, number or boolean');
      query.set(key, String(v));
    }
  }
  for (const key of SCROLL_PARAMS) {
    if (query.has(key)) fail(`searchParams.${key}`, 'is set by the `scroll` option');
  }
  if (perPage !== undefined) query.set('perPage', String(intIn(perPage, 'perPage', 1)));
  if (query.has('page') && !/^[1-9]\d*$/.test(query.get('page')!)) fail('searchParams.page', 'must be an integer ≥ 1');
  intIn(limit, 'limit', 0);
  if (signal !== undefined && !(isObject(signal) && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function')) {
    fail('signal', 'must be an AbortSignal');
  }

  let scroll: ScrollPlan | undefined;
  if (scrollOption !== undefined && scrollOption !== false) {
    const s = scrollOption === true ? {} : scrollOption;
    if (!isObject(s as unknown)) fail('scroll', 'must be true or an object');
    if (method !== 'POST' || !/(^|\/)issues\/_search\/?$/.test(bare)) {
      fail('scroll', 'works only for `POST issues/_search`');
    }
    if (query.has('perPage') || query.has('page')) fail('perPage', 'and `page` are for page mode; use `scroll.perScroll`');
    const { perScroll, ttlMillis = 60_000, release = true } = s;
    const type = s.type ?? 'sorted';
    if (type !== 'sorted' && type !== 'unsorted') fail('scroll.type', "must be 'sorted' or 'unsorted'");
    if (typeof release !== 'boolean') fail('scroll.release', 'must be a boolean');
    scroll = {
      type,
      perScroll: intIn(perScroll, 'scroll.perScroll', 1, 1000),
      ttlMillis: intIn(ttlMillis, 'scroll.ttlMillis', 1, 60_000),
      release,
    };
  }

  return { method, path: bare, query, json, limit, signal, scroll };
}
