/**
 * Scroll mode of issue search (docs/yandex-api.md 1.6): `scrollType`, `perScroll` and
 * `scrollTTLMillis` on the first request, then `scrollId` + `scrollToken` from the
 * `X-Scroll-Id` / `X-Scroll-Token` headers of each answer. Tracker keeps a snapshot of the
 * results for `scrollTTLMillis` after each page; `POST system/search/scroll/_clear` with
 * `{ "<scrollId>": "<scrollToken>", … }` releases it early ("Releasing scroll view resources"
 * in Tracker's API reference), which this walk does whenever it ends.
 */
import type { KyInstance } from 'ky';
import { isTrackerHttpError } from '../errors.js';
import { REDACTED } from '../redact.js';
import { describeCall } from './client-errors.js';
import { intHeader } from './link-header.js';
import { ScrollExpiredError } from './scroll-expired-error.js';
import { fetchPage, throwIfAborted, type FetchedPage, type Page } from './page-fetch.js';
import type { PaginatePlan } from './paginate-options.js';

/** Tracker's path for releasing scrolls, relative to the client's API version. */
const CLEAR_PATH = 'system/search/scroll/_clear';

/** Tracker's answer to a scroll token past its TTL: 403 "Expired signature". */
function isExpiredSignature(error: unknown): boolean {
  return isTrackerHttpError(error) && error.status === 403 && error.errorMessages.some((m) => /expired signature/i.test(m));
}

/** The 403 as a {@link ScrollExpiredError}, with the scroll token hidden from the URL. */
function scrollExpired(error: unknown): ScrollExpiredError {
  const http = error as ScrollExpiredError;
  let url = http.url;
  try {
    const parsed = new URL(url);
    if (parsed.searchParams.has('scrollToken')) parsed.searchParams.set('scrollToken', REDACTED);
    url = parsed.toString();
  } catch {
    // not a URL: keep what the client error held
  }
  return new ScrollExpiredError(
    `Tracker's issue-search scroll expired (403 Expired signature): more than scrollTTLMillis passed between two pages; start the search again, or give scroll.ttlMillis more time: ${describeCall(http.method, url)}`,
    { status: http.status, method: http.method, url, errorMessages: http.errorMessages, errors: http.errors, errorCode: http.errorCode },
  );
}

/**
 * Release the scrolls this walk holds. Best effort: a failed release is ignored (the scroll then
 * lives until its TTL lapses), so ending a loop never throws because of it. After an abort it is
 * sent without waiting, so the abort surfaces at once.
 */
async function release(tracker: KyInstance, held: Map<string, string>, aborted: boolean): Promise<void> {
  const done = tracker
    .post(CLEAR_PATH, { json: Object.fromEntries(held) })
    .text()
    .then(
      () => undefined,
      () => undefined,
    );
  if (!aborted) await done;
}

/**
 * A scroll-mode walk of `POST issues/_search`: yields each non-empty page (the first one even
 * when empty) and releases the scroll when the walk ends for any reason but an expired scroll.
 *
 * @internal
 */
export async function* scrollPages(tracker: KyInstance, plan: PaginatePlan): AsyncGenerator<Page<unknown>, void, undefined> {
  const scroll = plan.scroll!;
  /** scrollId → its latest token: the `_clear` body (Tracker may hand out one id per page). */
  const held = new Map<string, string>();
  let expired = false;
  let query = new URLSearchParams(plan.query);
  query.set('scrollType', scroll.type);
  if (scroll.perScroll !== undefined) query.set('perScroll', String(scroll.perScroll));
  query.set('scrollTTLMillis', String(scroll.ttlMillis));
  let page = 1;
  let read = 0;
  try {
    for (;;) {
      throwIfAborted(plan);
      let fetched: FetchedPage;
      try {
        fetched = await fetchPage(tracker, plan, plan.path, query);
      } catch (error) {
        if (page > 1 && isExpiredSignature(error)) {
          expired = true;
          throw scrollExpired(error);
        }
        throw error;
      }
      const { items, response } = fetched;
      const scrollId = response.headers.get('x-scroll-id');
      const scrollToken = response.headers.get('x-scroll-token');
      if (scrollId && scrollToken) held.set(scrollId, scrollToken);
      const totalCount = intHeader(response.headers, 'x-total-count');
      read += items.length;
      if (items.length > 0 || page === 1) yield { items, page, totalCount, totalPages: undefined };
      // Done at an empty page, without scroll headers, or once X-Total-Count items were read
      // (which saves the request for the final empty page).
      if (items.length === 0 || !scrollId || !scrollToken || (totalCount !== undefined && read >= totalCount)) return;
      query = new URLSearchParams(plan.query);
      query.set('scrollId', scrollId);
      query.set('scrollToken', scrollToken);
      query.set('scrollTTLMillis', String(scroll.ttlMillis));
      page += 1;
    }
  } finally {
    if (scroll.release && held.size > 0 && !expired) await release(tracker, held, plan.signal?.aborted === true);
  }
}
