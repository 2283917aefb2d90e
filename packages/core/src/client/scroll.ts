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
import { fetchPage, throwIfAborted, type Page } from './page-fetch.js';
import type { PaginatePlan } from './paginate-options.js';

/** Tracker's path for releasing scrolls, relative to the client's API version. */
const CLEAR_PATH = 'system/search/scroll/_clear';

/**
 * Tracker's answer to a scroll token past its TTL (403 "Expired signature") as a
 * {@link ScrollExpiredError}, with the scroll token hidden from the URL; undefined for any other error.
 */
function scrollExpired(error: unknown): ScrollExpiredError | undefined {
  if (!isTrackerHttpError(error) || error.status !== 403 || !error.errorMessages.some((m) => /expired signature/i.test(m))) return undefined;
  let { url } = error;
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('scrollToken', REDACTED);
    url = parsed.toString();
  } catch {
    // not a URL: keep what the client error held
  }
  return new ScrollExpiredError(
    `Tracker's issue-search scroll expired; start the search again or raise scroll.ttlMillis: ${describeCall(error.method, url)}`,
    // The 403's own fields (status, method, Tracker's messages and codes), the URL without the token.
    { ...error, url },
  );
}

/**
 * A scroll-mode walk of `POST issues/_search`: yields each non-empty page (the first one even
 * when empty) and releases the scroll when the walk ends for any reason but an expired scroll
 * (which Tracker has dropped already).
 *
 * @internal
 */
export async function* scrollPages(tracker: KyInstance, plan: PaginatePlan): AsyncGenerator<Page<unknown>, void, undefined> {
  const { type, perScroll, ttlMillis, release } = plan.scroll!;
  /** scrollId → its latest token: the `_clear` body (Tracker may hand out one id per page). */
  const held = new Map<string, string>();
  const scrollTTLMillis = String(ttlMillis);
  /**
   * The walk's own query and the scroll parameters of the next request (appended: paginate()
   * refuses scroll parameters in the walk's query, so none is there twice).
   */
  const queryWith = (params: Record<string, string>): URLSearchParams => new URLSearchParams([...plan.query, ...Object.entries(params)]);
  let query = queryWith({ scrollType: type, ...(perScroll && { perScroll: String(perScroll) }), scrollTTLMillis });
  let page = 1;
  let read = 0;
  try {
    for (;;) {
      throwIfAborted(plan);
      const { items, response } = await fetchPage(tracker, plan, plan.path, query).catch((error: unknown) => {
        // Only a later page can outlive the scroll: on the first, a 403 is Tracker's own answer.
        const expired = page > 1 ? scrollExpired(error) : undefined;
        // An expired scroll is gone already: nothing is left to release.
        if (expired) held.clear();
        throw expired ?? error;
      });
      const { headers } = response;
      const scrollId = headers.get('x-scroll-id');
      const scrollToken = headers.get('x-scroll-token');
      if (scrollId && scrollToken) held.set(scrollId, scrollToken);
      const totalCount = intHeader(headers, 'x-total-count');
      read += items.length;
      if (items.length || page === 1) yield { items, page, totalCount, totalPages: undefined };
      // Done at an empty page, without scroll headers, or once X-Total-Count items were read
      // (which saves the request for the final empty page).
      if (items.length === 0 || !scrollId || !scrollToken || read >= (totalCount ?? Infinity)) return;
      query = queryWith({ scrollId, scrollToken, scrollTTLMillis });
      page += 1;
    }
  } finally {
    // Best effort: a failed release is ignored (the scroll then lives until its TTL lapses), so
    // ending a loop never throws because of it. After an abort it is sent without waiting, so
    // the abort surfaces at once.
    if (release && held.size > 0) {
      const done = tracker.post(CLEAR_PATH, { json: Object.fromEntries(held) }).text().catch(() => undefined);
      if (!plan.signal?.aborted) await done;
    }
  }
}
