/**
 * `createTrackerClient()`: a ky instance pointed at the Tracker API with auth, one 401 replay
 * and `Retry-After`-aware retries built in (docs/architecture.md principle 7).
 *
 * - `beforeRequest` asks `auth.headers()` (a cache lookup while the token is fresh).
 * - `afterResponse` on a 401: `auth.invalidate(<the Authorization that was rejected>)`, then
 *   one forced retry through `ky.retry()`; the retry runs `beforeRequest` again, so it carries
 *   fresh headers and the original body. N concurrent 401s with the same stale token share
 *   one refresh, because `invalidate()` is a no-op once the token was replaced.
 * - No replay when `invalidate()` resolves `false`: the token was force-refreshed moments ago
 *   (the refresh engine's `forcedRefreshCooldownMs`), so the replay would send the very token
 *   Tracker just refused. The 401 is an {@link UnauthorizedError} at once.
 * - A second 401 is an {@link UnauthorizedError}; never a loop.
 * - The org header comes from `auth` only: a call that brings its own `X-Org-ID` /
 *   `X-Cloud-Org-ID` is refused before any network (see {@link createTrackerClient}).
 * - 429 and 503 are retried for every method (the server refused before acting), honouring
 *   `Retry-After`; other 5xx and network failures only for idempotent methods.
 */
import ky, { HTTPError, type Hooks, type KyInstance, type Options, type ResponsePromise, type ShouldRetryState } from 'ky';
import { TimeoutError } from '../errors.js';
import { assertEventHandler, emitEvent, eventError, eventPath } from '../events.js';
import { discardResponse, parseRetryAfter } from '../http/upstream.js';
import { redactUrl } from '../redact.js';
import type { TrackerAuth } from '../types.js';
import { abortSafeFetch } from './abort-safe-fetch.js';
import { readWithin } from './bounded-body.js';
import { describeCall, invalidJsonError, networkErrorFrom, toClientError, trackerHttpErrorFrom, type UnauthorizedOutcome } from './client-errors.js';
import { assertNoOrgHeaders, fail, resolveClientConfig, type ClientConfig, type TrackerClientOptions } from './client-options.js';

export type { TrackerClientOptions } from './client-options.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
/** Statuses where the server did not act on the request, so even a POST may be sent again. */
const REFUSED = new Set([429, 503]);
/** Statuses worth another attempt (REFUSED for every method, the rest for idempotent ones). */
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

/** Per-call state, keyed by the call's ky `context` object (fresh for every call). */
interface CallState {
  replayed: boolean;
  /** What the 401 handling did, for a true {@link UnauthorizedError} message. */
  unauthorized?: UnauthorizedOutcome;
}

/**
 * A ky instance for the Tracker API: `prefixUrl` is `${trackerUrl}/${apiVersion}/`, so paths
 * are relative (`client.get('myself')`, `client.post('issues', { json })`). Errors are
 * {@link TrackerHttpError} / {@link UnauthorizedError} / {@link TimeoutError} /
 * {@link NetworkError} / {@link AbortedError}; none carries a credential.
 *
 * A Tracker that keeps answering 401 gets one refresh and one replay per forced-refresh
 * cooldown window (`refresh.forcedRefreshCooldownMs` of the token source, default 30 s);
 * inside the window every 401 is an {@link UnauthorizedError} at once, without a replay.
 *
 * The organization header comes only from `auth`: a call with its own `X-Org-ID` or
 * `X-Cloud-Org-ID` header (any case, in `options.headers`, a `Request` or `extend()` defaults)
 * rejects with {@link ConfigurationError} `INVALID_OPTION` (field `headers.<name>`) before any
 * token or Tracker call, because Tracker would receive two org headers.
 *
 * @throws {ConfigurationError} at once, for bad options.
 * @example
 * const auth = createTrackerAuth({ credentials: iamFromServiceAccountKey({ key }), org: { cloudOrgId } });
 * const tracker = createTrackerClient(auth);
 * const issue = await tracker.get('issues/TEST-1').json<{ key: string; summary: string }>();
 * await tracker.post('issues', { json: { queue: 'TEST', summary: 'From the API' } });
 */
export function createTrackerClient(auth: TrackerAuth, options: TrackerClientOptions = {}): KyInstance {
  if (typeof auth?.headers !== 'function' || typeof auth.invalidate !== 'function') fail('auth', 'must come from createTrackerAuth()');
  const config = resolveClientConfig(options, 'options');
  // The auth's observer is used unless the client has its own; a custom auth may carry anything.
  const onEvent = options.onEvent ?? assertEventHandler(auth.onEvent, 'auth.onEvent', 'createTrackerClient');
  const states = new WeakMap<object, CallState>();
  const stateOf = (context: object): CallState => {
    let state = states.get(context);
    if (!state) states.set(context, (state = { replayed: false }));
    return state;
  };
  // Failures that may be retried (network errors of idempotent calls); everything else thrown
  // before an answer (token errors, aborts) must not be.
  const retryableFailures = new WeakMap<object, { method: string; path: string }>();
  /** Method and path of a call, for events (never the origin, query or a header). */
  const callOf = (request: Request) => ({ method: request.method, path: eventPath(request.url) });
  const baseFetch = options.fetch ?? ((input: Request | string | URL, init?: RequestInit) => globalThis.fetch(input, init));

  const fetchTracker = async (request: Request, init?: RequestInit): Promise<Response> => {
    try {
      // Not baseFetch directly: an abort after the answer must not become an unhandled rejection.
      return await abortSafeFetch(baseFetch, request, init);
    } catch (error) {
      if (request.signal.aborted) throw await toClientError(error, { method: request.method, url: request.url, timeoutMs: config.timeoutMs });
      const mapped = networkErrorFrom(error, request);
      if (IDEMPOTENT.has(request.method)) retryableFailures.set(mapped, callOf(request));
      throw mapped;
    }
  };

  const setAuthHeaders = async (request: Request, _options: unknown, { retryCount }: { retryCount: number }) => {
    // Only the first attempt carries the caller's headers alone; retries reuse the request
    // with the org header this hook set.
    if (retryCount === 0) assertNoOrgHeaders(request.headers);
    const headers = await auth.headers({ signal: request.signal });
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) request.headers.set(name, value);
    }
  };

  const replayOn401 = async (request: Request, kyOptions: { context: object }, response: Response) => {
    if (response.status !== 401) return;
    const state = stateOf(kyOptions.context);
    if (state.replayed) return; // the second 401 becomes UnauthorizedError in beforeError
    state.replayed = true;
    const replaced = await auth.invalidate(request.headers.get('authorization') ?? undefined);
    // `false`: the next token would be the one Tracker just refused (a static token, or one
    // force-refreshed moments ago: the forced-refresh cooldown). Fail fast with UnauthorizedError.
    const call = callOf(request);
    if (replaced === false) {
      state.unauthorized = 'not-replayed';
      emitEvent(onEvent, { type: 'request.unauthorized-cooldown', ...call });
      return;
    }
    // `true`: the engine replaced the token (or marked it for a refresh); nothing: the source
    // did not say, so the replay may carry the same token.
    state.unauthorized = replaced === true ? 'refreshed' : 'replayed';
    emitEvent(onEvent, { type: 'request.unauthorized-replay', ...call });
    return ky.retry({ delay: 0, code: 'TRACKER_AUTH_REFRESHED' });
  };

  const shouldRetry = ({ error, retryCount }: ShouldRetryState): boolean | undefined => {
    if (error instanceof HTTPError) {
      // The forced 401 replay counts as a ky retry; it must not eat the caller's budget.
      const retry = stateOf(error.options.context).replayed ? retryCount - 1 : retryCount;
      if (retry > config.limit) return false;
      const status = error.response.status;
      if (!RETRY_STATUSES.includes(status)) return false;
      let wait: number | undefined;
      if (REFUSED.has(status)) {
        wait = parseRetryAfter(error.response.headers.get('retry-after'));
        if (wait !== undefined && wait > config.maxRetryAfterMs) return false;
      } else if (!IDEMPOTENT.has(error.request.method)) {
        return false;
      }
      // Certain to retry now: free this attempt's connection instead of holding an unread
      // body through the wait (ky leaves it open).
      discardResponse(error.response);
      const call = { ...callOf(error.request), retry };
      emitEvent(
        onEvent,
        status === 429 ? { type: 'request.rate-limited', ...call, retryAfterMs: wait } : { type: 'request.retry', ...call, status, retryAfterMs: wait },
      );
      return undefined; // ky waits: Retry-After for 429/503, else backoff
    }
    const call = retryableFailures.get(error);
    if (call === undefined || retryCount > config.limit) return false;
    emitEvent(onEvent, { type: 'request.retry', ...call, retry: retryCount, error: eventError(error) });
    return undefined;
  };

  const user = options.hooks ?? {};
  const kyOptions: Options = {
    prefixUrl: config.prefixUrl,
    timeout: config.timeoutMs,
    fetch: fetchTracker as typeof fetch,
    headers: options.headers,
    retry: {
      // One extra slot for the forced 401 replay (see shouldRetry).
      limit: config.limit + 1,
      // Every method (ky lower-cases them); shouldRetry keeps 5xx and network retries to idempotent ones.
      methods: [...IDEMPOTENT, 'POST', 'PATCH'],
      statusCodes: RETRY_STATUSES,
      afterStatusCodes: [...REFUSED],
      maxRetryAfter: config.maxRetryAfterMs,
      backoffLimit: 10_000,
      jitter: true,
      shouldRetry,
    },
    // The caller's `beforeRetry` / `beforeError` as given. ky runs beforeError before deciding
    // on a retry, so Tracker errors are built after ky is done (withMappedErrors), never there.
    hooks: {
      ...user,
      beforeRequest: [setAuthHeaders, ...(user.beforeRequest ?? [])],
      afterResponse: [replayOn401 as NonNullable<Hooks['afterResponse']>[number], ...(user.afterResponse ?? [])],
    },
  };
  return withMappedErrors(ky.create(kyOptions), config, (context) => states.get(context)?.unauthorized);
}

const RESPONSE_BODY_METHODS = ['json', 'text', 'formData', 'arrayBuffer', 'blob', 'bytes'] as const;
const SHORTCUTS = ['get', 'post', 'put', 'patch', 'head', 'delete'] as const;

/**
 * Wrap a ky instance so that every rejection goes through {@link trackerHttpErrorFrom} (Tracker's
 * error answers) or {@link toClientError}: ky's own errors and aborts would otherwise surface
 * with the request (and its credential) attached. `.json()`, `.text()`, … also get the attempt's timeout on the body read (ky's
 * covers the headers only: see bounded-body.ts). `extend()` keeps the wrapping and follows a
 * new `timeout`; `create()` is plain ky (it drops all defaults).
 */
function withMappedErrors(
  instance: KyInstance,
  config: ClientConfig,
  unauthorizedOf: (context: object) => UnauthorizedOutcome | undefined,
  timeout: number | false = config.timeoutMs,
): KyInstance {
  const site = (input: unknown, options: Options | undefined, method: string) => ({
    method: (options?.method ?? method).toUpperCase(),
    url:
      input instanceof Request ? input.url : input instanceof URL ? input.href : `${options?.prefixUrl ?? config.prefixUrl}${String(input)}`,
    timeoutMs: options?.timeout ?? timeout,
    signal: options?.signal ?? (input instanceof Request ? input.signal : undefined),
  });
  const wrap = (promise: ResponsePromise, where: ReturnType<typeof site>): ResponsePromise => {
    // The call and its `.json()` reject with the same ky error; map it once (the body of an
    // HTTPError can be read only once).
    let mapped: Promise<unknown> | undefined;
    const rethrow = async (error: unknown): Promise<never> => {
      throw await (mapped ??=
        error instanceof HTTPError
          ? // ky gives every call a `context` object (`{}` unless the caller set one).
            trackerHttpErrorFrom(error.response, error.request, where.timeoutMs, unauthorizedOf((error.options as { context: object }).context))
          : toClientError(error, where));
    };
    const wrapped = promise.catch(rethrow) as ResponsePromise;
    // Callers often use only `.json()`; the wrapped promise must not become an unhandled rejection.
    wrapped.catch(() => undefined);
    const bodyTimeout = where.timeoutMs === false ? undefined : where.timeoutMs;
    const timedOut = () =>
      new TimeoutError(`Tracker request timed out after ${bodyTimeout} ms reading the body: ${describeCall(where.method, where.url)}`, {
        url: redactUrl(where.url),
      });
    for (const method of RESPONSE_BODY_METHODS) {
      const original = (promise as unknown as Record<string, unknown>)[method];
      if (typeof original === 'function') {
        (wrapped as unknown as Record<string, unknown>)[method] = () =>
          readWithin(promise, (original as () => Promise<unknown>).call(promise), bodyTimeout, timedOut).catch(async (error: unknown) =>
            // A 2xx body that `.json()` cannot parse is a typed error, not a bare SyntaxError.
            rethrow(
              method === 'json' && error instanceof SyntaxError
                ? invalidJsonError(where.method, where.url, (await promise.catch(() => undefined))?.status ?? 0, error)
                : error,
            ),
          );
      }
    }
    return wrapped;
  };
  const client = ((input: Parameters<KyInstance>[0], options?: Options) =>
    wrap(instance(input, options), site(input, options, 'GET'))) as KyInstance;
  for (const method of SHORTCUTS) {
    (client as unknown as Record<string, unknown>)[method] = (input: Parameters<KyInstance>[0], options?: Options) =>
      wrap(instance[method](input, options), site(input, options, method));
  }
  client.create = instance.create;
  client.extend = (defaults) => {
    // ky applies a function form at once, so the timeout it sets is known here.
    let next = timeout;
    const seen = (options: Options): Options => {
      if (options.timeout !== undefined) next = options.timeout;
      return options;
    };
    const extended = instance.extend(typeof defaults === 'function' ? (parent) => seen(defaults(parent)) : seen(defaults));
    return withMappedErrors(extended, config, unauthorizedOf, next);
  };
  (client as { stop: KyInstance['stop'] }).stop = instance.stop;
  (client as { retry: KyInstance['retry'] }).retry = instance.retry;
  return client;
}
