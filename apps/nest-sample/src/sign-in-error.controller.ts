import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { SIGN_IN_ERROR_CODES, type SignInErrorCode } from '@tracker-auth/core';
import type { ServerResponse } from 'node:http';

/** What each sign-in failure means for the person at the browser. */
const MEANINGS: Record<SignInErrorCode, string> = {
  access_denied: 'You declined the access request on the Yandex page, so the app cannot act for you.',
  unauthorized_client: 'Yandex refused this app (it may be blocked or still in moderation).',
  oauth_error: 'Yandex reported an error while signing you in.',
  state_missing: 'This browser has no sign-in in progress: it took longer than 10 minutes, cookies are blocked, or sign-in started on another address of the app.',
  state_mismatch: 'This answer from Yandex belongs to another sign-in (another tab, or a stale link).',
  callback_invalid: 'The answer from Yandex was malformed.',
  exchange_failed: 'The app could not complete the sign-in with Yandex (it refused the code, or could not be reached).',
};

/**
 * Where a failed sign-in lands (the module's `user.errorPath`): `?error=` is one of core's fixed
 * codes. Only a known code is shown, and only fixed text, so nothing from the query reaches the
 * page as markup.
 */
@Controller('sign-in-error')
export class SignInErrorController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
  page(@Query('error') error: unknown, @Res({ passthrough: true }) res: ServerResponse): string {
    const code = (SIGN_IN_ERROR_CODES as readonly unknown[]).includes(error) ? (error as SignInErrorCode) : undefined;
    res.statusCode = code === 'access_denied' ? 403 : 400;
    return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign-in failed · nest-sample</title></head>
<body>
<h1>Sign-in failed</h1>
<p id="sign-in-error"><code>${code ?? 'unknown'}</code></p>
<p id="sign-in-error-message">${code ? MEANINGS[code] : 'Sign-in did not complete.'}</p>
<p><a href="/auth/sign-in">Try again</a></p>
</body>
</html>
`;
  }
}
