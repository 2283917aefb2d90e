/** A Next.js route handler (App Router): a web `Request` in, a web `Response` out. */
export type RouteHandler = (request: Request) => Promise<Response>;
