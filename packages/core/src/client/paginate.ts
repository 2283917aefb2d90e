/**
 * `paginate()`: walk a Tracker list without hand-parsing `Link` and `X-Scroll-*` headers
 * (docs/yandex-api.md 1.6). Page mode follows `Link` rel `next` (or fills the rel `seek` template
 * when `next` is missing); scroll mode (issue search) is in scroll.ts. Both yield pages; the
 * public iterator flattens them into items, applies `limit`, and checks the signal per item.
 */
import type { KyInstance } from 'ky';
import { clientPathFromLink, expandSeek, intHeader, parseLinkHeader, splitPath } from './link-header.js';
import { fetchPage, throwIfAborted, unusablePage, type Page } from './page-fetch.js';
import { resolvePaginatePlan, type PaginateOptions, type PaginatePlan } from './paginate-options.js';
import { scrollPages } from './scroll.js';

export type { PaginateOptions, ScrollOptions } from './paginate-options.js';
export type { Page } from './page-fetch.js';

/** What {@link paginate} returns: an async iterable of items, and of pages through `pages()`. */
export interface Paginated<T> extends AsyncIterable<T> {
  /** The same walk one page at a time (each call starts a new walk). */
  pages(): AsyncIterable<Page<T>>;
}

/** A page-mode walk: the first page, then `Link` rel `next` (or `seek`) until there is none. */
async function* linkPages(tracker: KyInstance, plan: PaginatePlan): AsyncGenerator<Page<unknown>, void, undefined> {
  let input = plan.path;
  let query = plan.query;
  let page = Number(query.get('page') ?? 1);
  const visited = new Set<string>();
  for (;;) {
    throwIfAborted(plan);
    const { items, response } = await fetchPage(tracker, plan, input, query);
    const { headers } = response;
    const totalPages = intHeader(headers, 'x-total-pages');
    yield { items, page, totalCount: intHeader(headers, 'x-total-count'), totalPages };
    if (items.length === 0) return;
    const links = parseLinkHeader(headers.get('link'));
    // The Python client's order: `next` when present, else the `seek` template with the next page number.
    let target = links.get('next');
    if (target === undefined) {
      const seek = links.get('seek');
      if (seek === undefined || totalPages === undefined || page >= totalPages) return;
      target = expandSeek(seek, page + 1);
    }
    const next = target === undefined ? undefined : clientPathFromLink(target, response.url || 'http://tracker.invalid/');
    if (next === undefined || visited.has(next)) {
      // Following it would either leave the API or loop forever; neither is a list's end.
      throw unusablePage(`Tracker's next-page Link ${next === undefined ? 'is not a Tracker API path' : 'was already read'}`, plan, response);
    }
    visited.add(next);
    [input, query] = splitPath(next);
    page += 1;
  }
}

/** Pages of the walk, cut at `limit` (ending the inner walk, so a scroll is released at once). */
async function* limitedPages(tracker: KyInstance, plan: PaginatePlan): AsyncGenerator<Page<unknown>, void, undefined> {
  if (plan.limit === 0) return;
  let left = plan.limit ?? Infinity;
  const pages = plan.scroll ? scrollPages(tracker, plan) : linkPages(tracker, plan);
  for await (const page of pages) {
    if (page.items.length >= left) {
      yield { ...page, items: page.items.slice(0, left) };
      return;
    }
    left -= page.items.length;
    yield page;
  }
}

async function* itemsOf(tracker: KyInstance, plan: PaginatePlan): AsyncGenerator<unknown, void, undefined> {
  for await (const page of limitedPages(tracker, plan)) {
    for (const item of page.items) {
      throwIfAborted(plan);
      yield item;
    }
  }
}

/**
 * Walk a Tracker list: an async iterable of its items, following Tracker's pagination for you.
 *
 * - **Page mode** (default): `perPage`/`page`, then `Link` rel `next` (rel `seek` with
 *   `X-Total-Pages` when `next` is missing). Only the path after the API version and the query
 *   of a link are used, against the client's own Tracker URL: a link can never send your
 *   credential to another host.
 * - **Scroll mode** (`scroll`, `POST issues/_search` only; needed past 10 000 results):
 *   `scrollType`/`perScroll`/`scrollTTLMillis`, then `scrollId`/`scrollToken` from the
 *   `X-Scroll-Id`/`X-Scroll-Token` headers. When the loop ends (the end, `break`, `limit`, an
 *   error) the scroll is released with `POST system/search/scroll/_clear`. A scroll whose TTL
 *   lapsed between two pages is a {@link ScrollExpiredError}.
 *
 * Each request goes through the client, so auth, the 401 replay, retries and typed errors apply.
 * Options are checked now ({@link ConfigurationError}); nothing is fetched until you iterate.
 *
 * @typeParam T - the item type, e.g. {@link Issue} or {@link Queue} (not checked at run time).
 * @param tracker - the client from {@link createTrackerClient}.
 * @param path - relative to the client's API version, e.g. `queues` or `issues/_search`.
 * @throws {ConfigurationError} at once, for bad arguments.
 * @example
 * for await (const issue of paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'TEST' } }, scroll: true })) {
 *   console.log(issue.key);
 * }
 */
export function paginate<T = unknown>(tracker: KyInstance, path: string, options: PaginateOptions = {}): Paginated<T> {
  const plan = resolvePaginatePlan(tracker, path, options);
  return {
    [Symbol.asyncIterator]: () => itemsOf(tracker, plan) as AsyncGenerator<T, void, undefined>,
    pages: () => ({ [Symbol.asyncIterator]: () => limitedPages(tracker, plan) as AsyncGenerator<Page<T>, void, undefined> }),
  };
}
