/**
 * The Express ↔ web translation every export shares: core's handlers speak `Request` →
 * `Response`; this builds the web request with core's Node bridge and remembers which Express
 * request it came from, so callbacks written against Express (`authorize(req)`) get `req`.
 */
import type { Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { assertUrl, ConfigurationError } from '@tracker-auth/core';
import { toWebRequest } from '@tracker-auth/core/node';

/** How the public URL of a request is worked out (see `toWebRequest` in `@tracker-auth/core/node`). */
export interface PublicUrlOptions {
  /**
   * The app's public origin, e.g. `https://app.example.com`: request URLs are built on it, not on
   * Host or X-Forwarded-*. The `Host` header still reaches core (sign-in's canonical-host redirect
   * compares it with the `redirectUri`'s host).
   */
  baseUrl?: string | undefined;
  /**
   * Believe `X-Forwarded-Proto`/`X-Forwarded-Host` from your reverse proxy (the forwarded host is
   * then the `Host` core sees). Default: Express's own `trust proxy` setting of the app.
   */
  trustProxy?: boolean | undefined;
}

const origins = new WeakMap<Request, ExpressRequest>();

/**
 * The web `Request` for an Express request: with the body streamed (`withBody`, for the proxy)
 * or without touching the body stream (cookie-only handlers, so later body parsers still work).
 */
export function webRequestOf(
  req: ExpressRequest,
  res: ExpressResponse | undefined,
  options: PublicUrlOptions & { withBody?: boolean } = {},
): Request {
  const trustProxy = options.trustProxy ?? Boolean(req.app?.get('trust proxy'));
  const request = toWebRequest(req, { baseUrl: options.baseUrl, trustProxy, res, body: options.withBody ?? false });
  origins.set(request, req);
  return request;
}

/** The Express request a web request was built from (for callbacks typed against Express). */
export function expressRequestOf(request: Request): ExpressRequest {
  const req = origins.get(request);
  if (!req) throw new TypeError('@tracker-auth/express: this Request was not built by the adapter');
  return req;
}

/** Validate the public-URL options at construction (ConfigurationError naming the field). */
export function assertPublicUrlOptions(options: PublicUrlOptions): void {
  if (options.baseUrl !== undefined) assertUrl(options.baseUrl, 'baseUrl');
  if (options.trustProxy !== undefined && typeof options.trustProxy !== 'boolean') {
    throw new ConfigurationError('INVALID_OPTION', 'trustProxy', 'trustProxy must be true or false.');
  }
}
