/** The OAuth `state` value: an unguessable nonce tying a callback to the browser that started sign-in. */
import { base64UrlEncode, randomBytes } from '../encoding.js';

/**
 * A fresh random `state` (32 random bytes, base64url: 43 characters). Store it (e.g. in a
 * sealed login cookie) and pass it as `expectedState` to `parseCallback()`.
 *
 * @example
 * const state = createState();
 * const url = buildAuthorizeUrl({ clientId, redirectUri, state });
 */
export function createState(): string {
  return base64UrlEncode(randomBytes(32));
}
