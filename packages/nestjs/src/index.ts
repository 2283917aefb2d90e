/**
 * @tracker-auth/nestjs: the Yandex Tracker API in NestJS, glue over @tracker-auth/core.
 * @packageDocumentation
 */
export { TrackerAuthModule } from './tracker-auth-module.js';
export { TRACKER_AUTH_MODULE_OPTIONS, type TrackerAuthModuleOptions, type TrackerAuthModuleExtras, type TrackerAuthUserOptions } from './module-options.js';
export { TRACKER_AUTH, TRACKER_CLIENT, TRACKER_OAUTH_FLOW, TRACKER_USER_CLIENT } from './injection-tokens.js';
export { InjectTrackerAuth, InjectTrackerClient, InjectTrackerUserClient, InjectOAuthFlow } from './injection-tokens.js';
export { TrackerService } from './module-setup.js';
export { TrackerExceptionFilter } from './exception-filter.js';
export { createTrackerSignInController } from './sign-in-controller.js';
export { createTrackerProxyController, type TrackerProxyRouteOptions } from './proxy-controller.js';
export type { TrackerClient } from '@tracker-auth/core';
