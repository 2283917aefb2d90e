/**
 * Fastify reads a request body before the handler runs, and answers 415 for a content type it
 * has no parser for: a proxy to Tracker (attachments, any content type) must get the body
 * stream untouched instead. The proxy's routes are marked through Fastify's route `config`
 * (set with Nest's route-config metadata), and a catch-all content-type parser leaves the stream
 * unread on those routes only; everywhere else it answers exactly as Fastify would without it.
 * Bodies that a parser of the app took (JSON, forms) are handed to core as parsed, as on Express.
 */
import { SetMetadata } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';

/** Nest's `FASTIFY_ROUTE_CONFIG_METADATA` (`@RouteConfig()`), spelled out: platform-fastify is optional. */
const FASTIFY_ROUTE_CONFIG = '__fastify_route_config__';
const FLAG = 'trackerAuthRawBody';

/** Marks a handler whose body core reads from the Node stream itself (ignored on Express). */
export const KeepRawBody = (): MethodDecorator => SetMetadata(FASTIFY_ROUTE_CONFIG, { [FLAG]: true });

interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string,
    parser: (request: FastifyRequestLike, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
}
interface FastifyRequestLike {
  is404?: boolean;
  routeOptions?: { config?: Record<string, unknown> };
}

const prepared = new WeakSet<object>();

/**
 * On Fastify, install the catch-all parser once per app. An app with a catch-all parser of its
 * own keeps it: that parser then decides what the proxy receives.
 */
export function keepRawBodyOnFastify(host: HttpAdapterHost): void {
  const adapter = host.httpAdapter as { getType?(): string; getInstance?(): unknown } | undefined;
  if (adapter?.getType?.() !== 'fastify') return;
  const fastify = adapter.getInstance?.() as FastifyLike | undefined;
  if (!fastify || prepared.has(fastify)) return;
  prepared.add(fastify);
  if (fastify.hasContentTypeParser('*')) return;
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    // Unknown paths still reach the 404 handler, as Fastify lets them without a parser.
    if (request.routeOptions?.config?.[FLAG] === true || request.is404 === true) return done(null, undefined);
    done(unsupportedMediaType());
  });
}

/** The error Fastify itself sends for a content type without a parser (same code, status, message). */
function unsupportedMediaType(): Error {
  return Object.assign(new Error('Unsupported Media Type'), { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 });
}
