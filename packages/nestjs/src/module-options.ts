/**
 * The options of `TrackerAuthModule`. Everything here is core's vocabulary; the module adds
 * only the public-URL pair and three module-definition extras.
 */
import type {
  OAuthFlowOptions,
  RefreshOptions,
  TokenSource,
  TokenStore,
  TrackerClientOptions,
  TrackerOrg,
} from '@tracker-auth/core';

/** User mode: "Sign in with Yandex" (core's `createOAuthFlow` options; `org` defaults to the module's). */
export interface TrackerAuthOAuthOptions extends Omit<OAuthFlowOptions, 'org'> {
  org?: TrackerOrg | undefined;
}

/** Options of `TrackerAuthModule.forRoot()` (or what a `forRootAsync()` factory returns). */
export interface TrackerAuthModuleOptions {
  /** `{ orgId }` (Yandex 360) or `{ cloudOrgId }` (Yandex Cloud), exactly one. */
  org: TrackerOrg;
  /**
   * Service mode: the app's own credential, e.g. `credentialsFromEnv().credentials`,
   * `oauthToken(token)` or `iamFromServiceAccountKey({ key })`. Backs `TrackerService`,
   * `@InjectTrackerClient()` and `@InjectTrackerAuth()`.
   */
  credentials?: TokenSource | undefined;
  /** Token store of the service credential (share it over Redis between instances). */
  store?: TokenStore | undefined;
  /** Refresh tuning of the service credential. */
  refresh?: RefreshOptions | undefined;
  /** Options of every Tracker client the module makes (service and per-user): `trackerUrl`, `timeoutMs`, `retry`, … */
  client?: TrackerClientOptions | undefined;
  /** User mode: sign-in with Yandex, sealed session cookie, `@InjectTrackerUserClient()`. */
  oauth?: TrackerAuthOAuthOptions | undefined;
  /**
   * The app's public origin (e.g. `https://app.example.com`), used to build request URLs for the
   * sign-in flow. Default: from the `Host` header. The `Host` header still reaches the flow:
   * sign-in started on another host than the `redirectUri`'s is redirected there first.
   */
  baseUrl?: string | undefined;
  /**
   * Believe `X-Forwarded-Proto` / `X-Forwarded-Host` (only behind your own reverse proxy; the
   * forwarded host is then the browser's host for sign-in's redirect). Default false.
   */
  trustProxy?: boolean | undefined;
}

/** Module-definition extras: static choices, accepted by `forRoot()` and `forRootAsync()` alike. */
export interface TrackerAuthModuleExtras {
  /** Register the module globally, so feature modules inject `TrackerService` without importing it. Default false. */
  isGlobal?: boolean;
  /**
   * Serve `GET <path>/login`, `GET <path>/callback` and `POST <path>/logout` (needs `oauth`):
   * `true` for `auth`, or a path. Default off; or register `createTrackerOAuthController()` yourself.
   */
  signInRoutes?: boolean | string;
  /** Register `TrackerExceptionFilter` app-wide (tracker-auth errors → HTTP answers). Default true. */
  exceptionFilter?: boolean;
}

/** Injection token of the resolved module options. */
export const TRACKER_AUTH_MODULE_OPTIONS = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH_MODULE_OPTIONS');
