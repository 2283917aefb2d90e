/**
 * The raw `node:http` objects behind whatever Nest's HTTP platform hands a handler. Express's
 * request and response are the Node objects themselves; Fastify wraps them (`request.raw`,
 * `reply.raw`). Core's Node bridge and proxy speak only the raw objects, so every entry point of
 * this package reaches them here and nowhere else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A platform request: Express's `IncomingMessage`, or Fastify's `FastifyRequest` around one. */
export type PlatformRequest = IncomingMessage | { raw: IncomingMessage; body?: unknown; rawBody?: unknown };
/** A platform response: Express's `ServerResponse`, or Fastify's `FastifyReply` around one. */
export type PlatformResponse = ServerResponse | { raw: ServerResponse; hijack(): unknown };

/** The Node request of a platform request. */
export function rawRequest(req: PlatformRequest): IncomingMessage & { res?: ServerResponse } {
  return 'raw' in req && req.raw !== undefined ? req.raw : (req as IncomingMessage);
}

/**
 * The Node request of a platform request, about to be read by core. A body the platform's
 * parser already consumed (Fastify's JSON and form parsers) is handed over where core looks for
 * one, as Express's `req.body`: the exact bytes when Nest kept them (`rawBody: true`).
 */
export function requestForCore(req: PlatformRequest): IncomingMessage {
  const raw = rawRequest(req);
  if (raw !== req && raw.readableEnded && (raw as { body?: unknown }).body === undefined) {
    const wrapper = req as { body?: unknown; rawBody?: unknown };
    (raw as { body?: unknown }).body = wrapper.rawBody instanceof Uint8Array ? wrapper.rawBody : wrapper.body;
  }
  return raw;
}

/**
 * The Node response of a platform response, taken over for core to write: Fastify is told it no
 * longer owns the reply (`hijack()`), so it neither answers a second time nor waits for a value.
 */
export function responseForCore(res: PlatformResponse): ServerResponse {
  if ('raw' in res && typeof res.hijack === 'function') {
    res.hijack();
    return res.raw;
  }
  return res as ServerResponse;
}

/**
 * Links each Node request to its response (`req.res`, as Express sets it) for code that only
 * gets the request: the request-scoped user client (to add a rotated session cookie) and core's
 * bridge (to abort work when the client leaves). Registered as Nest middleware, which receives
 * the raw objects on both platforms.
 */
export function linkResponse(req: IncomingMessage & { res?: ServerResponse }, res: ServerResponse, next: () => void): void {
  req.res ??= res;
  next();
}
