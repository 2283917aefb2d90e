import { All, Controller, Inject, Req, Res, type OnModuleDestroy, type OnModuleInit, type Type } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ConfigurationError } from '@tracker-auth/core';
import { createNodeTrackerProxy, type NodeTrackerProxy, type NodeTrackerProxyOptions } from '@tracker-auth/core/node';
import { keepRawBodyOnFastify } from './fastify-raw-body.js';
import { TRACKER_AUTH_SETUP } from './injection-tokens.js';
import { needs, type TrackerAuthSetup } from './module-setup.js';
import { mountPath, requestForCore, responseForCore, type PlatformRequest, type PlatformResponse } from './node-http.js';

/** Options of {@link createTrackerProxyController}: core's Node proxy options, minus what the module provides (`baseUrl` / `trustProxy` default to the module's). */
export interface TrackerProxyRouteOptions extends Omit<NodeTrackerProxyOptions, 'auth' | 'user' | 'basePath'> {
  /** The route path (below any global prefix). Default `api/tracker`. */
  path?: string | undefined;
  /**
   * Whom Tracker sees: `'service'` (the module's `credentials`) or `'user'` (the signed-in user of
   * the module's `user`; default gate `sameOriginSignedIn`). Default: `'service'` when the module has `credentials`.
   */
  as?: 'service' | 'user' | undefined;
}

/**
 * A controller serving the Tracker proxy at `path` (every method) on core's Node transport, for a
 * module importing `TrackerAuthModule`.
 * @example controllers: [createTrackerProxyController({ path: 'api/tracker', allowAnonymous: true, allowPaths: ['/v3/issues'] })]
 */
export function createTrackerProxyController(options: TrackerProxyRouteOptions = {}): Type<unknown> {
  if (!options || typeof options !== 'object') throw new ConfigurationError('INVALID_OPTION', 'options', 'createTrackerProxyController: pass an options object.');
  const { path = 'api/tracker', as, ...rest } = options;
  const mount = mountPath(path, 'path');
  if (as !== undefined && as !== 'service' && as !== 'user') throw new ConfigurationError('INVALID_OPTION', 'as', "createTrackerProxyController: as is 'service' or 'user'.");

  @Controller(mount)
  class TrackerProxyController implements OnModuleInit, OnModuleDestroy {
    private readonly proxy: NodeTrackerProxy;

    constructor(@Inject(TRACKER_AUTH_SETUP) setup: TrackerAuthSetup, @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {
      // The catch-all below the mount is spelled per router (Express `{*path}`, Fastify `*`), and
      // the platform is known only now: routes are read after controllers are made.
      const wildcard = adapterHost.httpAdapter?.getType() === 'fastify' ? '*' : '{*path}';
      All(['', wildcard])(TrackerProxyController.prototype, 'forward', Object.getOwnPropertyDescriptor(TrackerProxyController.prototype, 'forward')!);
      const route = { ...rest, baseUrl: rest.baseUrl ?? setup.baseUrl, trustProxy: rest.trustProxy ?? setup.trustProxy };
      this.proxy =
        (as ?? (setup.service ? 'service' : 'user')) === 'service'
          ? createNodeTrackerProxy({ ...route, auth: needs(setup.service, 'credentials', "createTrackerProxyController({ as: 'service' })").auth })
          : createNodeTrackerProxy({ ...route, user: needs(setup.flow, 'user', "createTrackerProxyController({ as: 'user' })") });
    }

    onModuleInit(): void {
      keepRawBodyOnFastify(this.adapterHost, mount);
    }

    onModuleDestroy(): Promise<void> {
      return this.proxy.close(); // the pooled connections to Tracker end with the app
    }

    forward(@Req() platformReq: PlatformRequest, @Res() platformRes: PlatformResponse): Promise<void> {
      const req = requestForCore(platformReq);
      // The raw target as sent (Express keeps it in originalUrl), cut below the mount (maybe under
      // a global prefix): core sees `..` and encodings before anything resolves them.
      const raw = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const at = raw.indexOf(mount);
      const end = at === -1 ? 0 : at + mount.length;
      return this.proxy(req, responseForCore(platformRes), { path: raw.slice(end), basePath: raw.slice(0, end) || mount });
    }
  }
  return TrackerProxyController;
}
