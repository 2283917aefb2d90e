// The raw `node:http` objects core speaks, reached here only: Express's request and response are
// them; Fastify wraps them (`request.raw`, `reply.raw`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { assertAppPath } from '@tracker-auth/core/adapter';

export type PlatformRequest = IncomingMessage | { raw: IncomingMessage; body?: unknown; rawBody?: unknown };
export type PlatformResponse = ServerResponse | { raw: ServerResponse; hijack(): unknown };

export function rawRequest(req: PlatformRequest): IncomingMessage & { res?: ServerResponse; body?: unknown } {
  return 'raw' in req && req.raw !== undefined ? req.raw : (req as IncomingMessage);
}

/** The Node request for core to read; a body Fastify's parser consumed goes where core looks (`req.body`, as on Express). */
export function requestForCore(req: PlatformRequest): IncomingMessage {
  const raw = rawRequest(req);
  if (raw !== req && raw.readableEnded && raw.body === undefined) {
    const { body, rawBody } = req as { body?: unknown; rawBody?: unknown };
    raw.body = rawBody instanceof Uint8Array ? rawBody : body;
  }
  return raw;
}

/** The Node response for core to write; Fastify is told it no longer owns the reply (`hijack()`). */
export function responseForCore(res: PlatformResponse): ServerResponse {
  if (!('raw' in res)) return res;
  res.hijack();
  return res.raw;
}

/** Nest middleware linking each Node request to its response (`req.res`, as Express does), on both platforms. */
export function linkResponse(req: IncomingMessage & { res?: ServerResponse }, res: ServerResponse, next: () => void): void {
  req.res ??= res;
  next();
}

/** A Nest route path (`auth`, `/api/tracker/`) as a checked app path (`/auth`); plain characters only (Nest reads `:id`, `*`, `(…)` as patterns). */
export function mountPath(path: unknown, field: string): string {
  const trimmed = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : '';
  const message = `${field} must be a route path such as "api/tracker": letters, digits and - _ . ~ /, without "//", "." or ".." segments.`;
  return assertAppPath(/^[\w.~/-]+$/.test(trimmed) ? `/${trimmed}` : undefined, field, { message });
}
