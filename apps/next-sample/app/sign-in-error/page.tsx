/**
 * Where a failed sign-in lands (`errorPath` of the sign-in routes): the callback sends the
 * browser here with a fixed code (`?error=access_denied`), never Yandex's own text, so the
 * page shows only words of its own.
 */
import { SIGN_IN_ERROR_CODES, type SignInErrorCode } from '@tracker-auth/core';

const EXPLANATIONS: Record<SignInErrorCode, string> = {
  access_denied: 'You declined the access request on the Yandex page, so the app cannot act for you.',
  unauthorized_client: 'Yandex refused this app (it may be blocked or still in moderation).',
  oauth_error: 'Yandex reported an error while signing you in.',
  state_missing: 'This browser has no sign-in in progress: it took longer than 10 minutes, cookies are blocked, or sign-in started on another address of the app.',
  state_mismatch: 'This answer from Yandex belongs to another sign-in (another tab, or a stale link).',
  callback_invalid: 'The answer from Yandex was malformed.',
  exchange_failed: 'The app could not complete the sign-in with Yandex (it refused the code, or could not be reached).',
};

export default async function SignInError({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const asked = (await searchParams).error;
  const code = SIGN_IN_ERROR_CODES.find((known) => known === asked);
  return (
    <main>
      <h1>Sign-in did not complete</h1>
      <p>
        <code data-testid="sign-in-error">{code ?? 'unknown'}</code>
      </p>
      <p data-testid="sign-in-error-message">{code ? EXPLANATIONS[code] : 'Sign-in did not complete.'}</p>
      <p>
        <a href="/api/auth/sign-in">Try again</a> · <a href="/">Back to the start page</a>
      </p>
    </main>
  );
}
