/**
 * Next's own APIs, loaded on first use: the client half of `next/navigation` needs React's client
 * build, so a top-level import would fail to load outside Next's server bundles (a test runner).
 * The `.js` specifiers are for Node's ESM resolver: `next` has no `exports` map.
 */
type Navigation = typeof import('next/navigation');
type NextHeaders = typeof import('next/headers');
type NextServer = typeof import('next/server');

let navigation: Promise<Navigation> | undefined;
let headers: Promise<NextHeaders> | undefined;
let server: Promise<NextServer> | undefined;

const nextNavigation = () => (navigation ??= import('next/navigation.js') as Promise<Navigation>);
/** `next/headers` (`headers`, `cookies`). */
export const nextHeaders = () => (headers ??= import('next/headers.js') as Promise<NextHeaders>);
/** `next/server` (`NextResponse`). */
export const nextServer = () => (server ??= import('next/server.js') as Promise<NextServer>);

/** Hand Next's control-flow errors (redirect, notFound, dynamic bailouts) back to Next untouched. */
export async function rethrowNextControlFlow(error: unknown): Promise<void> {
  (await nextNavigation()).unstable_rethrow(error);
}

/** Next's `redirect()`: throws Next's redirect error. */
export async function nextRedirect(url: string): Promise<never> {
  return (await nextNavigation()).redirect(url);
}
