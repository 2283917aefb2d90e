/**
 * The short, fixed code a failed sign-in callback is reported to the app's own error page with
 * (`errorPath?error=access_denied`): safe to put in a URL and show, because it is one of a
 * closed set of words, never upstream text (an `error_description` is attacker-reachable) or
 * anything of the request.
 */
import { isOAuthCallbackError, isOAuthResponseError } from '../errors.js';

/** Why sign-in failed, as `createOAuthFlow`'s `errorPath` receives it in `?error=`. */
export type SignInErrorCode =
  /** The user declined on Yandex's consent page. */
  | 'access_denied'
  /** Yandex refused the app (blocked, rejected or still in moderation). */
  | 'unauthorized_client'
  /** Yandex reported another error in the redirect. */
  | 'oauth_error'
  /** No sign-in in progress for this browser: another host than the app URL, cookies blocked, or older than 10 minutes. */
  | 'state_missing'
  /** The redirect does not belong to the sign-in this browser started (a forged or stale redirect, another tab). */
  | 'state_mismatch'
  /** The redirect back from Yandex is malformed. */
  | 'callback_invalid'
  /** Exchanging the code for tokens failed (Yandex refused it, or could not be reached). */
  | 'exchange_failed';

/** Every {@link SignInErrorCode}, e.g. to check `?error=` on the error page. */
export const SIGN_IN_ERROR_CODES: readonly SignInErrorCode[] = [
  'access_denied',
  'unauthorized_client',
  'oauth_error',
  'state_missing',
  'state_mismatch',
  'callback_invalid',
  'exchange_failed',
];

/** The {@link SignInErrorCode} for what a callback failed with. */
export function signInErrorCode(error: unknown): SignInErrorCode {
  if (isOAuthCallbackError(error)) {
    const { code } = error;
    // The other STATE_ codes (MISMATCH, UNEXPECTED): the redirect is not this browser's sign-in.
    return code === 'STATE_MISSING' ? 'state_missing' : code.startsWith('STATE_') ? 'state_mismatch' : 'callback_invalid';
  }
  // A redirect error has no HTTP status; the token endpoint's refusal has one.
  if (isOAuthResponseError(error) && error.status === undefined) {
    if (error.error === 'access_denied' || error.error === 'unauthorized_client') return error.error;
    return 'oauth_error';
  }
  // The token endpoint refused the code, or failed (timeouts, outages): no session came of it.
  return 'exchange_failed';
}
