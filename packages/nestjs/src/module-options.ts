import type { OAuthFlowOptions, RefreshOptions, TokenSource, TokenStore, TrackerClientOptions, TrackerOrg } from '@tracker-auth/core';

/** User mode, "Sign in with Yandex": core's `createOAuthFlow` options (`org` defaults to the module's). */
export interface TrackerAuthUserOptions extends Omit<OAuthFlowOptions, 'org'> {
  org?: TrackerOrg | undefined;
}

/** Options of `TrackerAuthModule.forRoot()` (or what a `forRootAsync()` factory returns). */
export interface TrackerAuthModuleOptions {
  /** `{ orgId }` (Yandex 360) or `{ cloudOrgId }` (Yandex Cloud), exactly one. */
  org: TrackerOrg;
  /** Service mode: the app's own credential (e.g. `credentialsFromEnv().credentials`), behind `TrackerService`. */
  credentials?: TokenSource | undefined;
  /** Token store of the service credential (share it over Redis between instances). */
  store?: TokenStore | undefined;
  /** Refresh tuning of the service credential. */
  refresh?: RefreshOptions | undefined;
  /** Options of every Tracker client the module makes (service and per-user): `trackerUrl`, `timeoutMs`, `retry`, … */
  client?: TrackerClientOptions | undefined;
  /** User mode: sign-in with Yandex, sealed session cookie, `@InjectTrackerUserClient()`. */
  user?: TrackerAuthUserOptions | undefined;
  /** The app's public origin (e.g. `https://app.example.com`) for sign-in's request URLs. Default: from `Host`. */
  baseUrl?: string | undefined;
  /** Believe `X-Forwarded-Proto` / `X-Forwarded-Host` (only behind your own reverse proxy). Default false. */
  trustProxy?: boolean | undefined;
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
