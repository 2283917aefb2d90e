/**
 * Turning failed upstream token calls (IAM, metadata) into {@link TokenExchangeError}s that say
 * what failed and where, classify retryability, carry `Retry-After`, and never contain a secret.
 */
import { TokenExchangeError, isAbortedError, isInvalidResponseError, isNetworkError, isTimeoutError } from '../errors.js';
import { quoteUpstream } from '../redact.js';
import { describeRequest, fetchWithDeadline, isRetryableStatus, parseRetryAfter, upstreamDate, type UpstreamRequest, type UpstreamResponse } from '../http/upstream.js';

export interface UpstreamCallInfo {
  source: 'iam' | 'metadata';
  /** Human label, e.g. `IAM token exchange`. */
  what: string;
  method: 'GET' | 'POST';
  url: string;
  /** Secret strings of this call, scrubbed from any upstream text quoted in a message. */
  secrets?: readonly string[];
}

/** `METHOD URL` of the call, query secrets redacted, for messages. */
const describe = (info: UpstreamCallInfo) => describeRequest(info.method, info.url);

/** A {@link TokenExchangeError} that also carries the server's `Retry-After`, in ms (read by the refresh engine). */
export type RetryAfterTokenExchangeError = TokenExchangeError & { readonly retryAfterMs?: number };

/**
 * Build the error for a non-2xx answer. IAM errors are google.rpc.Status JSON `{ code, message }`
 * (docs/yandex-api.md 3.7); 429 and 5xx are retryable, other statuses are not.
 */
export async function errorFromResponse(response: UpstreamResponse, info: UpstreamCallInfo, now: number = Date.now()): Promise<RetryAfterTokenExchangeError> {
  // The status is known: a body that is not JSON, stalls past the deadline or is too large only
  // loses its detail. The caller's abort still wins.
  const body = await response.json().catch((error: unknown) => {
    if (isAbortedError(error)) throw error;
    return undefined;
  });
  const { code, message, error: text } = (body ?? {}) as { code?: unknown; message?: unknown; error?: unknown };
  const upstreamCode = typeof code === 'number' || typeof code === 'string' ? code : undefined;
  const upstreamMessage = typeof message === 'string' ? message : typeof text === 'string' ? text : undefined;
  const { status } = response;
  const detail = upstreamMessage ? ` (${quoteUpstream(upstreamMessage, info.secrets, 200)})` : '';
  const error = new TokenExchangeError(`${info.what} failed with HTTP ${status}${detail}: ${describe(info)}`, {
    source: info.source,
    status,
    upstreamCode,
    retryable: isRetryableStatus(status),
  });
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
  // Not enumerable (defineProperty's default): kept out of toJSON and spreads.
  if (retryAfterMs !== undefined) Object.defineProperty(error, 'retryAfterMs', { value: retryAfterMs });
  return error;
}

/** A 200 whose body is not the documented shape: likely a proxy or a transient fault, so retryable. */
export function malformedResponseError(info: UpstreamCallInfo, status: number, problem: string): TokenExchangeError {
  return new TokenExchangeError(`${info.what} returned an unexpected body (${problem}): ${describe(info)}`, {
    source: info.source,
    status,
    retryable: true,
  });
}

/**
 * Wrap a transport failure from `fetchWithDeadline` (network error, timeout, an answer over the
 * size cap) as a retryable {@link TokenExchangeError} with the original as `cause`, so callers
 * catch one type. Caller aborts and other errors pass through unchanged.
 */
export function errorFromTransport(error: unknown, info: UpstreamCallInfo): unknown {
  if (isNetworkError(error) || isTimeoutError(error) || isInvalidResponseError(error)) {
    // Its message already says what failed and where ("`what` timed out after N ms: METHOD URL").
    return new TokenExchangeError(error.message, {
      source: info.source,
      status: isInvalidResponseError(error) ? error.status : undefined,
      retryable: true,
      cause: error,
    });
  }
  return error;
}

/** The parsed 2xx answer of {@link fetchTokenJson}. */
export interface TokenJsonAnswer {
  /** The parsed JSON body (any JSON value; the caller checks its shape). */
  body: unknown;
  status: number;
  /** The clock when the answer arrived: the base of the token's lifetime. */
  issuedAt: number;
  /** The upstream's `Date` header (epoch ms by the upstream's clock), when present. */
  upstreamDate: number | undefined;
}

/**
 * One upstream token call (IAM exchange, metadata) with the shared error handling: one deadline
 * and size cap over headers and body ({@link fetchWithDeadline}), transport failures via
 * {@link errorFromTransport}, non-2xx via {@link errorFromResponse}, a body that is not JSON via
 * {@link malformedResponseError}.
 */
export async function fetchTokenJson(request: Omit<UpstreamRequest, 'method' | 'url' | 'what'>, info: UpstreamCallInfo, now: () => number): Promise<TokenJsonAnswer> {
  let response: UpstreamResponse;
  let text: string;
  let issuedAt: number;
  try {
    response = await fetchWithDeadline({ ...request, method: info.method, url: info.url, what: info.what });
    issuedAt = now();
    if (!response.ok) throw await errorFromResponse(response, info, issuedAt);
    text = await response.text();
  } catch (error) {
    throw errorFromTransport(error, info);
  }
  try {
    return { body: JSON.parse(text) as unknown, status: response.status, issuedAt, upstreamDate: upstreamDate(response) };
  } catch {
    throw malformedResponseError(info, response.status, 'not JSON');
  }
}
