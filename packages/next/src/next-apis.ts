/**
 * Next's own APIs, loaded on first use rather than when this package loads: the client half of
 * `next/navigation` needs React's client build, so a top-level import would make the package
 * fail to load anywhere but inside Next's server bundles (a plain `node --conditions=react-server`
 * consumer, a test runner). Next's bundlers resolve these the same either way. The `.js`
 * specifiers are for Node's ESM resolver: `next` has no `exports` map.
 */
type Navigation = typeof import('next/navigation');
type NextHeaders = typeof import('next/headers');
type NextServer = typeof import('next/server');

let navigation: Promise<Navigation> | undefined;
let headers: Promise<NextHeaders> | undefined;
let server: Promise<NextServer> | undefined;

/** `next/navigation` (`redirect`, `unstable_rethrow`). */
export function nextNavigation(): Promise<Navigation> {
  return (navigation ??= import('next/navigation.js') as Promise<Navigation>);
}

/** `next/headers` (`headers`, `cookies`). */
export function nextHeaders(): Promise<NextHeaders> {
  return (headers ??= import('next/headers.js') as Promise<NextHeaders>);
}

/** `next/server` (`NextResponse`). */
export function nextServer(): Promise<NextServer> {
  return (server ??= import('next/server.js') as Promise<NextServer>);
}

/** Hand Next's control-flow errors (redirect, notFound, dynamic bailouts) back to Next untouched. */
export async function rethrowNextControlFlow(error: unknown): Promise<void> {
  (await nextNavigation()).unstable_rethrow(error);
}

/** Next's `redirect()`: throws Next's redirect error. */
export async function nextRedirect(url: string): Promise<never> {
  return (await nextNavigation()).redirect(url);
}
