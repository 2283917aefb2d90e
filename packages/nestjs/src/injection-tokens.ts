import { Inject } from '@nestjs/common';

// Symbol.for, not Symbol(): an app that ends up with two copies of this package (ESM + CJS)
// still shares one set of tokens.

/** Injection token of the app's `TrackerAuth` (`headers()`, `invalidate()`) in service mode. */
export const TRACKER_AUTH = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH');
/** Injection token of the app's ky client for Tracker (service mode). */
export const TRACKER_CLIENT = Symbol.for('@tracker-auth/nestjs:TRACKER_CLIENT');
/** Injection token of the Yandex sign-in flow (user mode), core's `createOAuthFlow()` result. */
export const TRACKER_OAUTH = Symbol.for('@tracker-auth/nestjs:TRACKER_OAUTH');
/** Injection token of the signed-in user's ky client, request-scoped (user mode). */
export const TRACKER_USER_CLIENT = Symbol.for('@tracker-auth/nestjs:TRACKER_USER_CLIENT');

/**
 * Injects the app's Tracker client (a ky instance with auth, 401 replay and retries).
 *
 * @example
 * constructor(@InjectTrackerClient() private readonly tracker: KyInstance) {}
 */
export const InjectTrackerClient = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_CLIENT);

/**
 * Injects the app's `TrackerAuth`, for code that builds requests with another HTTP client.
 *
 * @example
 * constructor(@InjectTrackerAuth() private readonly auth: TrackerAuth) {}
 * // await fetch(url, { headers: { ...(await this.auth.headers()) } })
 */
export const InjectTrackerAuth = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_AUTH);

/**
 * Injects the signed-in user's Tracker client. The provider is request-scoped, so the class
 * that injects it is created per request; without a valid session the request fails with 401.
 *
 * @example
 * constructor(@InjectTrackerUserClient() private readonly tracker: KyInstance) {}
 */
export const InjectTrackerUserClient = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_USER_CLIENT);

/**
 * Injects core's `OAuthFlow` (user mode), e.g. to read the session in a route of your own.
 *
 * @example
 * constructor(@InjectTrackerOAuth() private readonly flow: OAuthFlow) {}
 */
export const InjectTrackerOAuth = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_OAUTH);
