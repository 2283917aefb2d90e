/**
 * Fastify reads a request body before the handler runs, and answers 415 for a content type it
 * has no parser for: a proxy to Tracker (attachments, any content type) must get the body
 * stream untouched instead. A catch-all content-type parser leaves the stream unread on the
 * proxy's routes only (recognised by their route URL: Nest 11's Fastify adapter drops route
 * `config` on `@All()` routes); everywhere else it answers exactly as Fastify would without it.
 * Bodies that a parser of the app took (JSON, forms) are handed to core as parsed, as on Express.
 */
import type { HttpAdapterHost } from '@nestjs/core';

interface FastifyLike {
  hasContentTypeParser(type: string): boolean;
  addContentTypeParser(
    type: string,
    parser: (request: FastifyRequestLike, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void,
  ): void;
}
interface FastifyRequestLike {
  is404?: boolean;
  routeOptions?: { url?: string | undefined };
}

/** The proxy mounts (`/api/tracker`) of each Fastify instance. */
const mountsOf = new WeakMap<object, Set<string>>();

/** A route of a proxy at one of `mounts`, below any global or module prefix: `<mount>` or `<mount>/*`. */
function isProxyRoute(url: string | undefined, mounts: Set<string>): boolean {
  if (url === undefined) return false;
  for (const mount of mounts) if (url.endsWith(mount) || url.endsWith(`${mount}/*`)) return true;
  return false;
}

/**
 * On Fastify, have the proxy at `mount` receive request bodies unread: the catch-all parser is
 * installed once per app. An app with a catch-all parser of its own keeps it: that parser then
 * decides what the proxy receives.
 */
export function keepRawBodyOnFastify(host: HttpAdapterHost, mount: string): void {
  const adapter = host.httpAdapter as { getType?(): string; getInstance?(): unknown } | undefined;
  if (adapter?.getType?.() !== 'fastify') return;
  const fastify = adapter.getInstance?.() as FastifyLike | undefined;
  if (!fastify) return;
  const known = mountsOf.get(fastify);
  if (known) {
    known.add(mount);
    return;
  }
  const mounts = new Set([mount]);
  mountsOf.set(fastify, mounts);
  if (fastify.hasContentTypeParser('*')) return;
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    // Unknown paths still reach the 404 handler, as Fastify lets them without a parser.
    if (request.is404 === true || isProxyRoute(request.routeOptions?.url, mounts)) return done(null, undefined);
    done(new FastifyError());
  });
}

/**
 * The error Fastify itself sends for a content type without a parser: same code, status and
 * message, and the class name by which Nest's Fastify error handling recognises Fastify's
 * client errors (any other error would become a 500).
 */
class FastifyError extends Error {
  override name = 'FastifyError';
  readonly code = 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
  readonly statusCode = 415;
  constructor() {
    super('Unsupported Media Type');
  }
}
