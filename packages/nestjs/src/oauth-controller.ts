/**
 * "Sign in with Yandex" routes for Nest: three handlers that hand the request to core's
 * `createOAuthFlow` and copy its answer (redirects and every Set-Cookie) back unchanged.
 */
import { All, Controller, Inject, Req, Res, type Type } from '@nestjs/common';
import { ConfigurationError, toErrorResponse, type OAuthFlow } from '@tracker-auth/core';
import { sendWebResponse } from '@tracker-auth/core/node';
import type { TrackerAuthSetup } from './module-setup.js';
import { rawRequest, responseForCore, type PlatformRequest, type PlatformResponse } from './node-http.js';
import { TRACKER_AUTH_SETUP } from './user-client.js';

const PATH = /^[A-Za-z0-9\-._~]+(?:\/[A-Za-z0-9\-._~]+)*$/;

/**
 * A controller serving `GET <path>/login`, `GET <path>/callback` (the path of your
 * `redirectUri`) and `POST <path>/logout` (other methods: 405 with `Allow`). `TrackerAuthModule.forRoot({ …, signInRoutes: true })`
 * registers it for you; call this to mount it in a module of your own instead.
 *
 * @example
 * @Module({ imports: [TrackerAuthModule.forRootAsync({ … })], controllers: [createTrackerOAuthController('auth')] })
 * export class AppModule {}
 */
export function createTrackerOAuthController(path = 'auth'): Type<unknown> {
  const base = path.replace(/^\/+|\/+$/g, '');
  if (!PATH.test(base) || base.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new ConfigurationError('INVALID_OPTION', 'signInRoutes', `TrackerAuthModule: signInRoutes must be a plain path such as "auth", got an unusable value.`);
  }

  @Controller(base)
  class TrackerOAuthController {
    private readonly flow: OAuthFlow;

    constructor(@Inject(TRACKER_AUTH_SETUP) private readonly setup: TrackerAuthSetup) {
      if (setup.flow === null) {
        throw new ConfigurationError('INVALID_OPTION', 'oauth', 'TrackerAuthModule: the sign-in routes need the `oauth` option (clientId, clientSecret, redirectUri, sessionSecret).');
      }
      this.flow = setup.flow;
    }

    // Every method is routed: core's flow answers a wrong one with 405 and `Allow` (as in
    // Express), and a method the bridge cannot carry (TRACE) gets its 405 here, not Nest's 404.
    @All('login')
    login(@Req() req: PlatformRequest, @Res() res: PlatformResponse): Promise<void> {
      return this.send(req, res, this.flow.login);
    }

    @All('callback')
    callback(@Req() req: PlatformRequest, @Res() res: PlatformResponse): Promise<void> {
      return this.send(req, res, this.flow.callback);
    }

    @All('logout')
    logout(@Req() req: PlatformRequest, @Res() res: PlatformResponse): Promise<void> {
      return this.send(req, res, this.flow.logout);
    }

    private async send(platformReq: PlatformRequest, platformRes: PlatformResponse, handle: (request: Request) => Promise<Response>): Promise<void> {
      const res = responseForCore(platformRes);
      let request: Request;
      try {
        request = this.setup.webRequest(rawRequest(platformReq));
      } catch (error) {
        // The bridge refused the request (TRACE, a malformed Host): core's 405/400, whatever
        // exception filters the app has.
        await sendWebResponse(res, toErrorResponse(error));
        return;
      }
      await sendWebResponse(res, await handle(request));
    }
  }
  return TrackerOAuthController;
}
