/**
 * Server components and server actions have no `Request` object; Next exposes the incoming
 * request through `headers()` and `cookies()` instead. Core's flow speaks `Request`, so this
 * module rebuilds one from those (cookies and origin are all the flow reads).
 */
import { nextHeaders } from './next-apis.js';
import { headerOrigin } from './public-request.js';
import type { WritableCookieStore } from './set-cookie.js';

/** Where the server helpers read the incoming request and write cookies. */
export interface RequestScope {
  /** The incoming request's headers. Default: `headers()` from `next/headers`. */
  headers(): Promise<{ get(name: string): string | null; forEach(fn: (value: string, name: string) => void): void }>;
  /** The request's cookie store (writable in server actions and route handlers). Default: `cookies()` from `next/headers`. */
  cookies(): Promise<WritableCookieStore>;
}

/** Next's own request scope (`next/headers`), used unless a test passes another. */
export const nextRequestScope: RequestScope = {
  headers: async () => (await nextHeaders()).headers(),
  cookies: async () => (await (await nextHeaders()).cookies()) as unknown as WritableCookieStore,
};

/**
 * A `Request` standing for the current one: `method` and `path` as given, the origin from
 * `baseUrl` when configured, else from `x-forwarded-proto`/`x-forwarded-host`/`host` (as Next
 * itself derives it for server actions; an unusable Host becomes `localhost`), and every
 * incoming header (so `cookie` and `origin` reach the flow unchanged), `Host` being the host of
 * that header-derived origin (as `publicRequest` hands it on).
 */
export async function currentRequest(scope: RequestScope, method: 'GET' | 'POST', path: string, baseUrl?: string): Promise<Request> {
  const incoming = await scope.headers();
  const browser = headerOrigin(incoming, 'http');
  const origin = baseUrl ?? browser ?? 'http://localhost';
  const forwarded = new Headers();
  incoming.forEach((value, name) => {
    // Body framing headers describe the original request, not this body-less stand-in.
    if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'content-type') forwarded.append(name, value);
  });
  // Core's sign-in judges the browser's host by Host: the one the headers' origin names.
  if (browser !== undefined) forwarded.set('host', new URL(browser).host);
  return new Request(`${origin}${path}`, { method, headers: forwarded });
}
