import { ConfigurableModuleBuilder, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TrackerExceptionFilter } from './exception-filter.js';
import { TRACKER_AUTH, TRACKER_CLIENT, TRACKER_OAUTH, TRACKER_USER_CLIENT } from './injection-tokens.js';
import { TRACKER_AUTH_MODULE_OPTIONS, type TrackerAuthModuleExtras, type TrackerAuthModuleOptions } from './module-options.js';
import { createTrackerAuthSetup, type TrackerAuthSetup } from './module-setup.js';
import { linkResponse } from './node-http.js';
import { createTrackerOAuthController } from './oauth-controller.js';
import { TrackerService } from './tracker-service.js';
import { TRACKER_AUTH_SETUP, trackerUserClientProvider } from './user-client.js';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<TrackerAuthModuleOptions>({
  moduleName: 'TrackerAuth',
  optionsInjectionToken: TRACKER_AUTH_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<TrackerAuthModuleExtras>({ isGlobal: false, signInRoutes: false, exceptionFilter: true }, (definition, extras) => ({
    ...definition,
    // The builder hands extras to forRootAsync() as well, so `global` holds for both styles.
    global: extras.isGlobal === true,
    controllers: extras.signInRoutes ? [createTrackerOAuthController(extras.signInRoutes === true ? 'auth' : extras.signInRoutes)] : [],
    providers: [
      ...(definition.providers ?? []),
      ...(extras.exceptionFilter === false ? [] : [{ provide: APP_FILTER, useClass: TrackerExceptionFilter }]),
    ],
  }))
  .build();

const fromSetup = (token: symbol, pick: (setup: TrackerAuthSetup) => unknown): Provider => ({
  provide: token,
  inject: [TRACKER_AUTH_SETUP],
  useFactory: pick,
});

/**
 * Yandex Tracker for Nest: `forRoot(options)` or `forRootAsync({ imports, inject, useFactory |
 * useClass | useExisting })`, with the extras `isGlobal`, `signInRoutes` and `exceptionFilter`.
 * Provides `TrackerService`, `@InjectTrackerClient()`, `@InjectTrackerAuth()` (service mode) and
 * `@InjectTrackerUserClient()` (user mode). Bad options make bootstrap fail with core's
 * `ConfigurationError`.
 *
 * @example
 * TrackerAuthModule.forRootAsync({
 *   isGlobal: true,
 *   imports: [ConfigModule],
 *   inject: [ConfigService],
 *   useFactory: (config: ConfigService) => ({
 *     credentials: oauthToken(config.getOrThrow('TRACKER_OAUTH_TOKEN')),
 *     org: { orgId: config.getOrThrow('TRACKER_ORG_ID') },
 *   }),
 * })
 */
@Module({
  providers: [
    { provide: TRACKER_AUTH_SETUP, inject: [TRACKER_AUTH_MODULE_OPTIONS], useFactory: createTrackerAuthSetup },
    fromSetup(TRACKER_AUTH, (setup) => setup.auth),
    fromSetup(TRACKER_CLIENT, (setup) => setup.client),
    fromSetup(TRACKER_OAUTH, (setup) => setup.flow),
    trackerUserClientProvider,
    TrackerService,
  ],
  exports: [TRACKER_AUTH, TRACKER_CLIENT, TRACKER_OAUTH, TRACKER_USER_CLIENT, TrackerService],
})
export class TrackerAuthModule extends ConfigurableModuleClass implements NestModule {
  /** Every request's Node response is reachable from its Node request, on Express and Fastify alike. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(linkResponse).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
