/**
 * Fastify parses a body before the handler runs and answers 415 for a content type without a
 * parser, but the proxy must get any body stream unread. A catch-all parser leaves it unread on
 * the proxy's routes only (recognised by route URL: Nest 11 drops route `config` on `@All()`) and
 * elsewhere answers as Fastify would without it; bodies a parser of the app took reach core parsed.
 */
import type { HttpAdapterHost } from '@nestjs/core';

type Done = (error: Error | null, body?: unknown) => void;
interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(type: string, parser: (request: { is404?: boolean; routeOptions?: { url?: string } }, payload: unknown, done: Done) => void): void;
}

/** The proxy mounts of each Fastify instance. */
const mountsOf = new WeakMap<object, Set<string>>();

/** On Fastify, have the proxy at `mount` receive bodies unread (an app's own catch-all parser is kept). */
export function keepRawBodyOnFastify(host: HttpAdapterHost, mount: string): void {
  if (host.httpAdapter?.getType() !== 'fastify') return;
  const fastify = host.httpAdapter.getInstance<FastifyLike>();
  const known = mountsOf.get(fastify);
  if (known) return void known.add(mount);
  const mounts = new Set([mount]);
  mountsOf.set(fastify, mounts);
  if (fastify.hasContentTypeParser('*')) return;
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    const url = request.routeOptions?.url;
    const proxied = url !== undefined && [...mounts].some((m) => url.endsWith(m) || url.endsWith(`${m}/*`));
    // Unknown paths still reach the 404 handler, as without a parser.
    if (request.is404 === true || proxied) return done(null, undefined);
    done(new FastifyError('Unsupported Media Type'));
  });
}

/** Fastify's own 415 for a content type without a parser, by the name Nest's Fastify error handling recognises. */
class FastifyError extends Error {
  override name = 'FastifyError';
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  readonly statusCode = 415;
}
