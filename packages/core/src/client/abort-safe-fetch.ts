/**
 * A caller's `AbortSignal` that fires after Tracker has answered must not crash the process.
 *
 * Why this exists: when the signal of a call fires, Node's built-in fetch (undici) cancels the
 * body of the response it already returned. If that body was split by `response.clone()` (ky
 * clones the response for every `afterResponse` hook) and the clone was cancelled, undici's
 * cancel rejects with the `AbortError` and nothing handles it: an `unhandledRejection`, which
 * ends a Node process. It happens when the caller aborts while the client waits out a 429/503
 * `Retry-After`, or while the caller holds a response whose body it has not read yet.
 *
 * The fix is to make the abort ours first: fetch gets a signal of our own, and when the call's
 * signal fires we cancel the unread body ourselves (handling the rejection) before passing the
 * abort on, so undici finds the body already closed and leaves it alone.
 */
import { discardResponse } from '../http/upstream.js';
import type { FetchLike } from '../types.js';

/** What the client may still do with a response it got through {@link abortSafeFetch}. */
interface Attempt {
  /** `Date.now()` when the request was handed to fetch: `timeoutMs` counts from here. */
  startedAt: number;
  /** Aborts this attempt's fetch, as the caller's signal would. */
  relay: AbortController;
}
const attempts = new WeakMap<Response, Attempt>();

/**
 * Milliseconds left (≥ 0) of the `timeoutMs` of the attempt that produced `response`, counted
 * from when it was handed to fetch; from now for a response that did not come from
 * {@link abortSafeFetch}.
 */
export function remainingMs(response: Response, timeoutMs: number): number {
  const startedAt = attempts.get(response)?.startedAt ?? Date.now();
  return Math.max(0, startedAt + timeoutMs - Date.now());
}

/**
 * End a response whose body is no longer wanted, even while something reads it: aborting the
 * attempt's fetch errors a locked body stream and closes its connection, which cancelling
 * cannot do (a locked stream refuses `cancel()`). For a response that did not come from
 * {@link abortSafeFetch} (a hook made it), only an unread body can be cancelled.
 */
export function abortResponse(response: Response, reason?: unknown): void {
  discardResponse(response, reason);
  attempts.get(response)?.relay.abort(reason);
}

/**
 * `fetchImpl(request, init)`, with `request.signal` relayed through a signal of our own so
 * that an abort arriving after the answer first discards the (unread) response body: see the
 * module comment. The returned promise rejects as fetch does on an abort before the answer.
 */
export async function abortSafeFetch(fetchImpl: FetchLike, request: Request, init?: RequestInit): Promise<Response> {
  const signal = request.signal;
  const relay = new AbortController();
  const startedAt = Date.now();
  let response: Response | undefined;
  const onAbort = () => {
    if (response) discardResponse(response, signal.reason);
    relay.abort(signal.reason);
  };
  if (signal.aborted) relay.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    response = await fetchImpl(request, { ...init, signal: relay.signal });
    attempts.set(response, { startedAt, relay });
    return response;
  } catch (error) {
    signal.removeEventListener('abort', onAbort);
    throw error;
  }
}
