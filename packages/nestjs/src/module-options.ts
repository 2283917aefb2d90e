import type { CreateTrackerAuthOptions, OAuthFlowOptions, TokenSource, TrackerClientOptions, TrackerOrg } from '@tracker-auth/core';
import type { WebRequestReaderOptions } from '@tracker-auth/core/node';

/** User mode, "Sign in with Yandex": core's `createOAuthFlow` options (`org` defaults to the module's). */
export interface TrackerAuthUserOptions extends Omit<OAuthFlowOptions, 'org'> {
  org?: TrackerOrg | undefined;
}

/**
 * Options of `TrackerAuthModule.forRoot()` (or what a `forRootAsync()` factory returns): core's
 * `createTrackerAuth` options and `baseUrl` / `trustProxy` of the requests the sign-in flow reads.
 */
export interface TrackerAuthModuleOptions extends Omit<CreateTrackerAuthOptions, 'credentials'>, WebRequestReaderOptions {
  /** Service mode: the app's own credential (e.g. `credentialsFromEnv().credentials`), behind `TrackerService`. */
  credentials?: TokenSource | undefined;
  /** Options of every Tracker client the module makes (service and per-user): `trackerUrl`, `timeoutMs`, `retry`, … */
  client?: TrackerClientOptions | undefined;
  /** User mode: sign-in with Yandex, sealed session cookie, `@InjectTrackerUserClient()`. */
  user?: TrackerAuthUserOptions | undefined;
}

/** Module-definition extras, accepted by `forRoot()` and `forRootAsync()` alike. */
export interface TrackerAuthModuleExtras {
  /** Register the module globally, so feature modules inject `TrackerService` without importing it. Default false. */
  isGlobal?: boolean;
  /** Serve `<path>/sign-in`, `<path>/callback` and `<path>/sign-out` (needs `user`): `true` for `auth`, or a path. Default off. */
  signInRoutes?: boolean | string;
  /** Register `TrackerExceptionFilter` app-wide. Default true. */
  exceptionFilter?: boolean;
}

/** Injection token of the resolved module options. */
export const TRACKER_AUTH_MODULE_OPTIONS = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH_MODULE_OPTIONS');
