/**
 * @tracker-auth/nestjs: the Yandex Tracker API in NestJS: `TrackerAuthModule`, `TrackerService`,
 * injection helpers, user-mode sign-in and an exception filter, all glue over @tracker-auth/core.
 * @packageDocumentation
 */
export { TrackerAuthModule } from './tracker-auth-module.js';
export {
  TRACKER_AUTH_MODULE_OPTIONS,
  type TrackerAuthModuleOptions,
  type TrackerAuthModuleExtras,
  type TrackerAuthOAuthOptions,
} from './module-options.js';
export {
  TRACKER_AUTH,
  TRACKER_CLIENT,
  TRACKER_OAUTH,
  TRACKER_USER_CLIENT,
  InjectTrackerAuth,
  InjectTrackerClient,
  InjectTrackerUserClient,
  InjectTrackerOAuth,
} from './injection-tokens.js';
export { TrackerService } from './tracker-service.js';
export { TrackerExceptionFilter } from './exception-filter.js';
export { createTrackerOAuthController } from './oauth-controller.js';
export { createTrackerProxyController, type TrackerProxyRouteOptions } from './proxy-controller.js';
export type { TrackerClient } from './module-setup.js';
