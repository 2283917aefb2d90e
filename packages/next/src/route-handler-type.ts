/**
 * The one signature every handler of this package has. It lives alone so that the proxy's and
 * the sign-in flow's handler files can both use it without importing each other.
 */

/** A Next.js route handler (App Router): a web `Request` in, a web `Response` out. */
export type RouteHandler = (request: Request) => Promise<Response>;
