import { Inject } from '@nestjs/common';

// Symbol.for: two copies of this package in one app (ESM + CJS) still share the tokens.

/** Injection token of the app's `TrackerAuth` (service mode). */
export const TRACKER_AUTH = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH');
/** Injection token of the app's Tracker client (service mode). */
export const TRACKER_CLIENT = Symbol.for('@tracker-auth/nestjs:TRACKER_CLIENT');
/** Injection token of core's `OAuthFlow` (user mode). */
export const TRACKER_OAUTH_FLOW = Symbol.for('@tracker-auth/nestjs:TRACKER_OAUTH_FLOW');
/** Injection token of the signed-in user's Tracker client, request-scoped (user mode). */
export const TRACKER_USER_CLIENT = Symbol.for('@tracker-auth/nestjs:TRACKER_USER_CLIENT');
/** Injection token of the module's setup (internal). */
export const TRACKER_AUTH_SETUP = Symbol.for('@tracker-auth/nestjs:TRACKER_AUTH_SETUP');

/** Injects the app's Tracker client: `constructor(@InjectTrackerClient() private readonly tracker: TrackerClient) {}`. */
export const InjectTrackerClient = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_CLIENT);
/** Injects the app's `TrackerAuth`, for another HTTP client: `constructor(@InjectTrackerAuth() private readonly auth: TrackerAuth) {}`. */
export const InjectTrackerAuth = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_AUTH);
/**
 * Injects the signed-in user's Tracker client, making the injecting class request-scoped (no valid
 * session: 401): `constructor(@InjectTrackerUserClient() private readonly tracker: TrackerClient) {}`.
 */
export const InjectTrackerUserClient = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_USER_CLIENT);
/** Injects core's `OAuthFlow`, e.g. to read the session: `constructor(@InjectOAuthFlow() private readonly flow: OAuthFlow) {}`. */
export const InjectOAuthFlow = (): ParameterDecorator & PropertyDecorator => Inject(TRACKER_OAUTH_FLOW);
