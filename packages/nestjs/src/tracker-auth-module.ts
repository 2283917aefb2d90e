import { ConfigurableModuleBuilder, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TrackerExceptionFilter } from './exception-filter.js';
import { TRACKER_AUTH, TRACKER_AUTH_SETUP, TRACKER_CLIENT, TRACKER_OAUTH_FLOW, TRACKER_USER_CLIENT } from './injection-tokens.js';
import { TRACKER_AUTH_MODULE_OPTIONS, type TrackerAuthModuleExtras, type TrackerAuthModuleOptions } from './module-options.js';
import { trackerAuthProviders, TrackerService } from './module-setup.js';
import { linkResponse } from './node-http.js';
import { createTrackerSignInController } from './sign-in-controller.js';

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<TrackerAuthModuleOptions>({
  moduleName: 'TrackerAuth',
  optionsInjectionToken: TRACKER_AUTH_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setExtras<TrackerAuthModuleExtras>({ isGlobal: false, signInRoutes: false, exceptionFilter: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    controllers: extras.signInRoutes ? [createTrackerSignInController(extras.signInRoutes === true ? 'auth' : extras.signInRoutes)] : [],
    providers: [...(definition.providers ?? []), ...(extras.exceptionFilter === false ? [] : [{ provide: APP_FILTER, useClass: TrackerExceptionFilter }])],
  }))
  .build();

/**
 * Yandex Tracker for Nest: `forRoot(options)` or `forRootAsync({ imports, inject, useFactory | useClass | useExisting })`,
 * extras `isGlobal`, `signInRoutes`, `exceptionFilter`. Bad options make bootstrap fail with core's `ConfigurationError`.
 * @example imports: [TrackerAuthModule.forRoot({ credentials: oauthToken(process.env.TRACKER_OAUTH_TOKEN!), org: { orgId: '1234567' } })]
 */
@Module({
  providers: trackerAuthProviders,
  exports: [TRACKER_AUTH, TRACKER_AUTH_SETUP, TRACKER_CLIENT, TRACKER_OAUTH_FLOW, TRACKER_USER_CLIENT, TrackerService],
})
export class TrackerAuthModule extends ConfigurableModuleClass implements NestModule {
  /** Links each request's Node response to its Node request (`req.res`), on Express and Fastify alike. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(linkResponse).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
