import { All, Controller, Inject, Param, Req, Res, type Type } from '@nestjs/common';
import { handleSignInAction } from '@tracker-auth/core/adapter';
import { sendWebResponse } from '@tracker-auth/core/node';
import { TRACKER_AUTH_SETUP } from './injection-tokens.js';
import { needs, type TrackerAuthSetup } from './module-setup.js';
import { mountPath, rawRequest, responseForCore, type PlatformRequest, type PlatformResponse } from './node-http.js';

/**
 * A controller serving `GET <path>/sign-in`, `GET <path>/callback` (your `redirectUri`'s path)
 * and `POST <path>/sign-out` with core's flow; `signInRoutes` of the module registers it for you.
 * @example controllers: [createTrackerSignInController('auth')] // in a module importing TrackerAuthModule
 */
export function createTrackerSignInController(path = 'auth'): Type<unknown> {
  const base = mountPath(path, 'signInRoutes');

  @Controller(base)
  class TrackerSignInController {
    constructor(@Inject(TRACKER_AUTH_SETUP) private readonly setup: TrackerAuthSetup) {
      needs(setup.flow, 'user', 'the sign-in routes');
    }

    // Every method is routed: the flow answers a wrong one with 405 and `Allow`, an unknown action with 404;
    // a request the bridge refuses (TRACE, a malformed Host) throws before the reply is taken over, for the filter.
    @All(':action')
    async handle(@Param('action') action: string, @Req() req: PlatformRequest, @Res() res: PlatformResponse): Promise<void> {
      const response = await handleSignInAction(this.setup.flow!, action, this.setup.webRequest(rawRequest(req)));
      await sendWebResponse(responseForCore(res), response);
    }
  }
  return TrackerSignInController;
}
