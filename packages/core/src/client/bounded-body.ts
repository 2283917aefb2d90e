/**
 * Body reads the client does itself are bounded by the attempt's `timeoutMs`.
 *
 * Why: ky's `timeout` covers only the wait for the response headers (ky 1.x clears its timer
 * once fetch resolves), so a Tracker answer whose body never ends, or trickles forever, would
 * hang the call: building a `TrackerHttpError` reads the error body, and `.json()` / `.text()`
 * read a 2xx body to the end. The deadline is the attempt's start plus `timeoutMs`, so one
 * attempt, headers and body, fits in `timeoutMs`. A caller reading the `Response` itself
 * (say, streaming an attachment) is not cut: that read is theirs, bounded by their `signal`.
 */
import { readText } from '../http/upstream.js';
import { abortResponse, remainingMs } from './abort-safe-fetch.js';

/** How much of an error body is read for its `errorMessages`; the rest is not downloaded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The text of an error body, or `undefined` when it is absent, already read by a hook, larger
 * than `maxBytes`, or not complete within `ms`; in the last two cases the rest of the body is
 * dropped and its connection closed. Never throws.
 */
export async function readErrorBodyText(response: Response, ms: number | undefined, maxBytes = MAX_ERROR_BODY_BYTES): Promise<string | undefined> {
  const body = response.body;
  if (!body || body.locked) return undefined;
  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (ms !== undefined) timer = setTimeout(() => reject(new Error('error body timed out')), ms);
  });
  try {
    return await readText(reader, maxBytes, expired, () => new Error('error body too large'));
  } catch (reason) {
    // Too large, too slow, or the connection failed mid-body: the status and URL are enough.
    reader.cancel(reason).catch(() => undefined);
    abortResponse(response, reason);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `reading` (ky's `.json()`, `.text()`, … of the call `responsePromise`), rejected with
 * `onTimeout()` once the attempt that answered has used up `timeoutMs`; the response is then
 * aborted so that its connection closes. `timeoutMs` `undefined` (ky's `timeout: false`)
 * leaves the read unbounded. If the call itself fails, `reading` fails the same way.
 */
export async function readWithin<T>(
  responsePromise: Promise<Response>,
  reading: Promise<T>,
  timeoutMs: number | undefined,
  onTimeout: () => Error,
): Promise<T> {
  if (timeoutMs === undefined) return reading;
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = responsePromise.then(
    (response) =>
      new Promise<never>((_resolve, reject) => {
        if (settled) return;
        timer = setTimeout(() => {
          const error = onTimeout();
          abortResponse(response, error);
          reject(error);
        }, remainingMs(response, timeoutMs));
      }),
    () => new Promise<never>(() => undefined), // `reading` rejects with the call's own error
  );
  try {
    return await Promise.race([reading, expired]);
  } finally {
    settled = true;
    clearTimeout(timer);
    // Once the timeout won, ky's read still ends (with the abort): nobody waits for it.
    reading.catch(() => undefined);
  }
}
