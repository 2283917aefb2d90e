/**
 * Fetching one page of a walk through the client, shared by page mode (paginate.ts) and scroll
 * mode (scroll.ts).
 */
import type { KyInstance } from 'ky';
import { AbortedError, TrackerHttpError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { describeCall } from './client-errors.js';
import type { PaginatePlan } from './paginate-options.js';

/** One page of a walk, as `paginate(…).pages()` yields it. */
export interface Page<T> {
  /** The page's items (cut short on the last page when `limit` is reached). */
  items: T[];
  /** 1-based number of this page in the walk (page mode: the `page` it was asked for). */
  page: number;
  /** Tracker's `X-Total-Count`: items in the whole list, when Tracker sent it. */
  totalCount: number | undefined;
  /** Tracker's `X-Total-Pages` (page mode), when Tracker sent it. */
  totalPages: number | undefined;
}

/** One fetched page: the parsed list and the response (for its headers). */
export interface FetchedPage {
  items: unknown[];
  response: Response;
}

/**
 * Fetch one page through the client (auth, 401 replay, retries, typed errors all apply) and
 * check that the body is a JSON list.
 *
 * @internal
 */
export async function fetchPage(tracker: KyInstance, plan: PaginatePlan, input: string, query: URLSearchParams): Promise<FetchedPage> {
  const { method, signal, json } = plan;
  // ky sends no body for `json: undefined`.
  const call = tracker(input, { method, searchParams: query, signal, json });
  const body = await call.json<unknown>();
  const response = await call;
  // Same precedent as verifyAccess: a 2xx with an unusable body is a TrackerHttpError with its status.
  if (!Array.isArray(body)) throw unusablePage("Tracker's answer is not a list", plan, response);
  return { items: body, response };
}

/** A 2xx page the walk cannot use, as a {@link TrackerHttpError} with its status. @internal */
export function unusablePage(problem: string, plan: PaginatePlan, { status, url }: Response): TrackerHttpError {
  return new TrackerHttpError(`${problem}: ${describeCall(plan.method, url)}`, { status, method: plan.method, url: redactUrl(url) });
}

/** Throw {@link AbortedError} when the walk's signal fired. @internal */
export function throwIfAborted(plan: PaginatePlan): void {
  if (plan.signal?.aborted) {
    throw new AbortedError(`Tracker pagination aborted: ${plan.method} ${plan.path}`, { cause: plan.signal.reason });
  }
}
