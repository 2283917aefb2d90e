/**
 * Exit codes and error reporting of the `tracker-auth` command. Errors are core's typed errors
 * (ConfigurationError, SignInRequiredError, OAuthResponseError, …) plus {@link CliError} for
 * situations only a command line has (no login file, a sealed file without its key). Every
 * message comes from a place that never puts a secret in it.
 */
import {
  isConfigurationError,
  isOAuthResponseError,
  isSessionError,
  isSignInRequiredError,
  isTrackerAuthError,
  isTrackerHttpError,
  type TrackerAuthError,
} from '@tracker-auth/core';

/** Documented exit codes (README "Exit codes"). */
export const EXIT = Object.freeze({
  /** The command did what it was asked. */
  ok: 0,
  /** Anything else went wrong: network, an upstream outage, an unexpected answer. */
  failure: 1,
  /** Bad command line or settings: unknown option, missing client id, bad URL, wrong seal key. */
  usage: 2,
  /** No usable login: never logged in, logged out, or the refresh token no longer works. */
  notLoggedIn: 3,
  /** Refused: the device code was denied or expired, or Tracker rejected the credential (401/403). */
  denied: 4,
  /** Interrupted with Ctrl+C. */
  interrupted: 130,
} as const);

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What kind of failure a {@link CliError} is; decides the exit code. */
export type CliErrorKind = 'usage' | 'not-logged-in' | 'denied' | 'failure';

const KIND_EXIT: Record<CliErrorKind, ExitCode> = {
  usage: EXIT.usage,
  'not-logged-in': EXIT.notLoggedIn,
  denied: EXIT.denied,
  failure: EXIT.failure,
};

/** A failure of the command line itself, with the exit code it ends with and a hint for the user. */
export class CliError extends Error {
  override name = 'CliError';
  readonly kind: CliErrorKind;
  readonly exitCode: ExitCode;
  /** One line telling the user what to do next, when there is something to do. */
  readonly hint: string | undefined;

  constructor(kind: CliErrorKind, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.exitCode = KIND_EXIT[kind];
    this.hint = options.hint;
  }

  /** Safe to print: message, kind, exit code (never the cause). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.kind, message: this.message, exitCode: this.exitCode, hint: this.hint };
  }
}

const LOGIN_HINT = 'run `tracker-auth login` to sign in.';

/** The exit code an error ends the command with. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (isConfigurationError(error)) return EXIT.usage;
  if (isSignInRequiredError(error)) return EXIT.notLoggedIn;
  if (isSessionError(error)) return error.code === 'SESSION_EXPIRED' ? EXIT.notLoggedIn : EXIT.usage;
  if (isOAuthResponseError(error)) {
    if (error.error === 'invalid_client' || error.error === 'invalid_scope') return EXIT.usage;
    if (error.error === 'access_denied' || error.error === 'unauthorized_client') return EXIT.denied;
    return EXIT.failure;
  }
  if (isTrackerHttpError(error) && (error.status === 401 || error.status === 403)) return EXIT.denied;
  if (isTrackerAuthError(error) && error.code === 'ABORTED') return EXIT.interrupted;
  return EXIT.failure;
}

/** The hint printed under an error, when the fix is known. */
function hintFor(error: unknown): string | undefined {
  if (error instanceof CliError) return error.hint;
  if (isSignInRequiredError(error)) return LOGIN_HINT;
  if (isOAuthResponseError(error) && error.error === 'invalid_client') return 'check --client-id and --client-secret (or YANDEX_CLIENT_ID / YANDEX_CLIENT_SECRET).';
  if (isTrackerHttpError(error) && error.status === 401) return `the token was refused; ${LOGIN_HINT}`;
  if (isTrackerHttpError(error) && error.status === 403) return 'check the organization (--org-id for Yandex 360, --cloud-org-id for Yandex Cloud) and your rights in Tracker.';
  return undefined;
}

/** Tracker's own words, when it gave any (they name the problem, never a credential). */
function detailsOf(error: unknown): string | undefined {
  if (isTrackerHttpError(error) && error.errorMessages.length > 0) return error.errorMessages.join('; ');
  if (isOAuthResponseError(error) && error.errorDescription) return error.errorDescription;
  return undefined;
}

/** The error as one JSON object: core's own safe `toJSON()` shape plus the exit code. */
export function errorJson(error: unknown): Record<string, unknown> {
  const exitCode = exitCodeFor(error);
  const hint = hintFor(error);
  if (error instanceof CliError) return { ...error.toJSON(), hint };
  if (isTrackerAuthError(error)) return { ...(error as TrackerAuthError).toJSON(), exitCode, hint };
  return { name: 'Error', message: error instanceof Error ? error.message : String(error), exitCode };
}

/** The error as lines for a person: `tracker-auth: <message>`, details and a hint. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`tracker-auth: ${message}`];
  const details = detailsOf(error);
  if (details && !message.includes(details)) lines.push(`  ${details}`);
  const hint = hintFor(error);
  if (hint) lines.push(`  hint: ${hint}`);
  return `${lines.join('\n')}\n`;
}
