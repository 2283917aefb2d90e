/**
 * The Tracker proxy as a Nest route: every method under one path, handed to core's Node
 * transport (`createNodeTrackerProxy`), which decides and answers by itself. This file only
 * picks the credential from the module and finds the raw path below the mount.
 */
import type { IncomingMessage } from 'node:http';
import { All, Controller, Inject, Req, Res, type OnModuleInit, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { assertUrl, ConfigurationError, sameOriginSignedIn, type OAuthFlow, type TrackerAuth } from '@tracker-auth/core';
import { createNodeTrackerProxy, toWebRequest, type NodeTrackerProxy, type NodeTrackerProxyOptions } from '@tracker-auth/core/node';
import { keepRawBodyOnFastify } from './fastify-raw-body.js';
import { TRACKER_AUTH, TRACKER_OAUTH } from './injection-tokens.js';
import { requestForCore, responseForCore, type PlatformRequest, type PlatformResponse } from './node-http.js';

const PATH = /^[A-Za-z0-9\-._~]+(?:\/[A-Za-z0-9\-._~]+)*$/;

/** Options of {@link createTrackerProxyController}: core's proxy options, minus what the module provides. */
export interface TrackerProxyRouteOptions extends Omit<NodeTrackerProxyOptions, 'auth' | 'basePath'> {
  /** The route path (below any global prefix), e.g. `api/tracker` (the default). */
  path?: string | undefined;
  /**
   * Whom Tracker sees: `'service'`, the module's `credentials`; or `'user'`, the signed-in
   * user's token from the module's `oauth` (signed-out requests get 401; without an `authorize`
   * of its own the gate is core's `sameOriginSignedIn`). Default: `'service'` when the module has
   * `credentials`, else `'user'`.
   */
  as?: 'service' | 'user' | undefined;
  /** User mode: the app's public origin for the session check (as the module's `baseUrl`). */
  baseUrl?: string | undefined;
  /** User mode: believe `X-Forwarded-Proto`/`X-Forwarded-Host` (as the module's `trustProxy`). Default false. */
  trustProxy?: boolean | undefined;
}

/**
 * A controller serving the Tracker proxy at `path` (every method; the rest of the URL is the
 * Tracker path), on core's Node transport: pooled keep-alive connections to Tracker, the answer
 * streamed into the response. Register it in a module that imports `TrackerAuthModule` (its `TRACKER_AUTH` / `TRACKER_OAUTH` are injected); its
 * options are validated at bootstrap (ConfigurationError).
 *
 * @example
 * @Module({
 *   imports: [TrackerAuthModule.forRoot({ credentials, org })],
 *   controllers: [createTrackerProxyController({ path: 'api/tracker', allowAnonymous: true, allowPaths: ['/v3/issues'] })],
 * })
 * export class AppModule {}
 */
export function createTrackerProxyController(options: TrackerProxyRouteOptions = {}): Type<unknown> {
  if (!options || typeof options !== 'object') {
    throw new ConfigurationError('INVALID_OPTION', 'options', 'createTrackerProxyController: pass an options object.');
  }
  const { path = 'api/tracker', as, baseUrl, trustProxy, ...rest } = options;
  if (baseUrl !== undefined) assertUrl(baseUrl, 'baseUrl');
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') {
    throw new ConfigurationError('INVALID_OPTION', 'trustProxy', 'createTrackerProxyController: trustProxy must be true or false.');
  }
  // User mode reads the session cookie through core's web flow: a body-less web Request.
  const webRequest = (req: IncomingMessage) => toWebRequest(req, { baseUrl, trustProxy, body: false });
  const base = typeof path === 'string' ? path.replace(/^\/+|\/+$/g, '') : '';
  if (!PATH.test(base) || base.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new ConfigurationError('INVALID_OPTION', 'path', 'createTrackerProxyController: path must be a plain path such as "api/tracker".');
  }
  if (as !== undefined && as !== 'service' && as !== 'user') {
    throw new ConfigurationError('INVALID_OPTION', 'as', "createTrackerProxyController: as must be 'service' or 'user'.");
  }
  const mount = `/${base}`;

  @Controller(base)
  class TrackerProxyController implements OnModuleInit {
    private readonly proxy: NodeTrackerProxy;

    constructor(
      @Inject(TRACKER_AUTH) auth: TrackerAuth | null,
      @Inject(TRACKER_OAUTH) flow: OAuthFlow | null,
      @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    ) {
      // The catch-all below the mount is spelled per router (Express: path-to-regexp's
      // `{*path}`; Fastify: find-my-way's `*`). Controllers are made before routes are
      // registered, so the route is declared here, once the platform is known.
      const wildcard = adapterHost.httpAdapter?.getType() === 'fastify' ? '*' : '{*path}';
      const forward = Object.getOwnPropertyDescriptor(TrackerProxyController.prototype, 'forward')!;
      All(['', wildcard])(TrackerProxyController.prototype, 'forward', forward);
      const mode = as ?? (auth !== null ? 'service' : 'user');
      if (mode === 'service') {
        if (auth === null) {
          throw new ConfigurationError('INVALID_OPTION', 'as', "createTrackerProxyController: as: 'service' needs the module's `credentials`.");
        }
        this.proxy = createNodeTrackerProxy({ ...rest, auth });
        return;
      }
      if (flow === null) {
        throw new ConfigurationError('INVALID_OPTION', 'as', "createTrackerProxyController: as: 'user' needs the module's `oauth` option.");
      }
      const gate = rest.authorize === undefined && rest.allowAnonymous !== true ? sameOriginSignedIn(flow) : undefined;
      this.proxy = createNodeTrackerProxy({
        ...rest,
        auth: (req) => flow.userAuth(webRequest(req)),
        authorize: gate ? (req) => gate(webRequest(req)) : rest.authorize,
      });
    }

    onModuleInit(): void {
      keepRawBodyOnFastify(this.adapterHost, mount);
    }

    forward(@Req() platformReq: PlatformRequest, @Res() platformRes: PlatformResponse): Promise<void> {
      const req = requestForCore(platformReq);
      const res = responseForCore(platformRes);
      // The raw target as sent (Express keeps it in originalUrl), cut below the mount, which may
      // sit under a global prefix: core sees `..` and encodings before anything resolves them.
      const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const at = raw.indexOf(mount);
      const end = at === -1 ? 0 : at + mount.length;
      return this.proxy(req, res, { path: raw.slice(end), basePath: raw.slice(0, end) || mount });
    }
  }
  return TrackerProxyController;
}
