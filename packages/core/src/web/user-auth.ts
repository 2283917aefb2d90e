/**
 * What a signed-in request acts with: a `TrackerAuth` built from the user's sealed tokens,
 * plus the Set-Cookie value to send when those tokens were refreshed while serving it.
 */
import type { TrackerAuth } from '../types.js';

/** The result of `OAuthFlow.userAuth(request)`. */
export interface UserAuth {
  /** Auth headers for this user's Tracker calls; an expired access token refreshes on use. */
  readonly auth: TrackerAuth;
  /**
   * A `Set-Cookie` header value re-sealing the user's tokens after a refresh (rotation), or
   * `undefined` while nothing changed. It reflects the latest refresh, so read it after your
   * Tracker calls finished and send it with the response; otherwise the next request refreshes
   * again from the old refresh token.
   */
  readonly setCookie?: string | undefined;
}
