import { All, Controller, Inject, Param, Req, Res, type Type } from '@nestjs/common';
import { type OAuthFlow } from '@tracker-auth/core';
import { assertAppPath, handleSignInAction, toErrorResponse } from '@tracker-auth/core/adapter';
import { sendWebResponse } from '@tracker-auth/core/node';
import { TRACKER_AUTH_SETUP } from './injection-tokens.js';
import { needs, type TrackerAuthSetup } from './module-setup.js';
import { mountPath, rawRequest, responseForCore, type PlatformRequest, type PlatformResponse } from './node-http.js';

/**
 * A controller serving `GET <path>/sign-in`, `GET <path>/callback` (your `redirectUri`'s path)
 * and `POST <path>/sign-out` with core's flow; `signInRoutes` of the module registers it for you.
 *
 * @example
 * @Module({ imports: [TrackerAuthModule.forRootAsync({ … })], controllers: [createTrackerSignInController('auth')] })
 * export class AppModule {}
 */
export function createTrackerSignInController(path = 'auth'): Type<unknown> {
  const base = assertAppPath(mountPath(path), 'signInRoutes', { percentEncoded: false });

  @Controller(base)
  class TrackerSignInController {
    private readonly flow: OAuthFlow;

    constructor(@Inject(TRACKER_AUTH_SETUP) private readonly setup: TrackerAuthSetup) {
      this.flow = needs(setup.flow, 'user', 'the sign-in routes');
    }

    // Every method is routed: the flow answers a wrong one with 405 and `Allow`, an unknown action with 404.
    @All(':action')
    async handle(@Param('action') action: string, @Req() req: PlatformRequest, @Res() platformRes: PlatformResponse): Promise<void> {
      const res = responseForCore(platformRes);
      let request: Request;
      try {
        request = this.setup.webRequest(rawRequest(req), res);
      } catch (error) {
        // The bridge refused the request (TRACE, a malformed Host): core's 405/400, whatever the app's filters.
        return sendWebResponse(res, toErrorResponse(error));
      }
      await sendWebResponse(res, await handleSignInAction(this.flow, action, request));
    }
  }
  return TrackerSignInController;
}
