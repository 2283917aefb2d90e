/**
 * Server components and server actions have no `Request`: Next exposes the incoming request
 * through `headers()` and `cookies()`. Core's flow speaks `Request`, so one is rebuilt from those.
 */
import { publicRequest } from '@tracker-auth/core/adapter';
import { nextHeaders } from './next-apis.js';

/** Where the server helpers read the incoming request and write cookies. Default: `next/headers`. */
export interface RequestScope {
  /** The incoming request's headers (`headers()`). */
  headers(): Promise<{ get(name: string): string | null; forEach(fn: (value: string, name: string) => void): void }>;
  /** The request's cookie store (`cookies()`, writable in server actions and route handlers). */
  cookies(): Promise<{
    set(name: string, value: string, options: { path: string; domain?: string | undefined; maxAge?: number | undefined; httpOnly: boolean; secure?: boolean | undefined; sameSite: 'lax' | 'strict' | 'none' }): unknown;
  }>;
}

/** Next's own request scope (`next/headers`), used unless a test passes another. */
export const nextRequestScope: RequestScope = {
  headers: async () => (await nextHeaders()).headers(),
  cookies: async () => (await nextHeaders()).cookies(),
};

/** A body-less `Request` standing for the current one (every incoming header), on the app's public origin. */
export async function currentRequest(scope: RequestScope, method: 'GET' | 'POST', path: string, baseUrl: string | undefined): Promise<Request> {
  const headers = new Headers();
  (await scope.headers()).forEach((value, name) => {
    // Body framing headers describe the original request, not this stand-in.
    if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'content-type') headers.append(name, value);
  });
  return publicRequest(new Request(`http://localhost${path}`, { method, headers }), baseUrl, false);
}
