/**
 * The body-less web `Request` a Node framework hands to core's cookie and origin readers (the
 * OAuth flow, the proxy's sign-in gate), with the public-URL options checked once, at
 * construction, instead of in every adapter.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertUrl, isObject, optionFailer } from '../validate.js';
import { toWebRequest } from './http-bridge.js';

/** How the public URL of a Node request is worked out. */
export interface WebRequestReaderOptions {
  /**
   * The app's public origin, e.g. `https://app.example.com`: request URLs are built on it, not on
   * Host or X-Forwarded-*. The `Host` header still reaches core (sign-in's canonical-host redirect
   * compares it with the `redirectUri`'s host).
   */
  baseUrl?: string | URL | undefined;
  /**
   * Believe `X-Forwarded-Proto`/`X-Forwarded-Host` from your reverse proxy (the forwarded host is
   * then the `Host` core sees). A function decides per request (Express: the app's `trust proxy`
   * setting). Default `false`.
   */
  trustProxy?: boolean | ((req: IncomingMessage) => boolean) | undefined;
}

/** Builds the web `Request` of a Node request; `res` makes its `signal` abort when the client leaves. */
export type WebRequestReader = (req: IncomingMessage, res?: ServerResponse) => Request;

/**
 * A reader of Node requests as body-less web `Request`s (URL, method, headers, cookies; the
 * Node body stream is left untouched for later body parsers). Options are validated here
 * (ConfigurationError naming the field); a malformed `Host` is a `RequestRejectedError` (400)
 * per request.
 *
 * @example
 * const read = createWebRequestReader({ baseUrl: 'https://app.example.com' });
 * const session = await flow.getSession(read(req));
 */
export function createWebRequestReader(options: WebRequestReaderOptions = {}): WebRequestReader {
  const fail = optionFailer('createWebRequestReader');
  if (!isObject(options)) fail('options', 'must be an object');
  const { baseUrl, trustProxy } = options;
  if (baseUrl !== undefined) assertUrl(baseUrl, 'baseUrl');
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean' && typeof trustProxy !== 'function') {
    fail('trustProxy', 'must be true, false or a function (req) => boolean');
  }
  return (req, res) =>
    toWebRequest(req, {
      baseUrl,
      trustProxy: typeof trustProxy === 'function' ? trustProxy(req) === true : trustProxy === true,
      res,
      body: false,
    });
}
