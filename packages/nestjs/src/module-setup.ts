// Options → core objects once, at bootstrap: core's factories validate, so bad options make
// `NestFactory.create()` reject with core's ConfigurationError.
import { Scope, type Provider } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import { ConfigurationError, createOAuthFlow, createTrackerAuth, SignInRequiredError } from '@tracker-auth/core';
import { createTrackerContexts, type TrackerContext } from '@tracker-auth/core/adapter';
import { createWebRequestReader, deliverSessionCookies } from '@tracker-auth/core/node';
import { TRACKER_AUTH, TRACKER_AUTH_SETUP, TRACKER_CLIENT, TRACKER_OAUTH_FLOW, TRACKER_USER_CLIENT } from './injection-tokens.js';
import { TRACKER_AUTH_MODULE_OPTIONS, type TrackerAuthModuleOptions } from './module-options.js';
import { rawRequest, type PlatformRequest } from './node-http.js';

/**
 * Service mode: core's `TrackerContext` (`client`, `auth`, `headers()`, `verifyAccess()`) of the module's `credentials`.
 * @example constructor(private readonly tracker: TrackerService) {} // this.tracker.client.get('queues').json()
 */
export abstract class TrackerService {}
export interface TrackerService extends TrackerContext {}

/** `thing`, or the ConfigurationError naming the module option `what` needs. */
export function needs<T>(thing: T | null, option: string, what: string): T {
  if (thing !== null) return thing;
  throw new ConfigurationError('INVALID_OPTION', option, `TrackerAuthModule: ${what} needs the \`${option}\` option.`);
}

function createTrackerAuthSetup(options: TrackerAuthModuleOptions) {
  const { org, credentials, user, baseUrl, trustProxy } = needs(typeof options === 'object' ? options : null, 'options', 'forRoot() (or its useFactory)');
  needs(credentials ?? user ?? null, 'credentials', 'service mode (or `user`, for user mode)');
  const webRequest = createWebRequestReader({ baseUrl, trustProxy });
  const contexts = createTrackerContexts(options.client);
  const auth = credentials === undefined ? null : createTrackerAuth({ credentials, org, store: options.store, refresh: options.refresh, onEvent: options.onEvent });
  const flow = user === undefined ? null : createOAuthFlow({ ...user, org: user.org ?? org });
  return { service: auth && contexts(auth), flow, contexts, webRequest, baseUrl, trustProxy };
}

/** What the module's providers hand out: service mode's context, the sign-in flow, and the makers of both modes. */
export type TrackerAuthSetup = ReturnType<typeof createTrackerAuthSetup>;

const fromSetup = (provide: symbol | typeof TrackerService, useFactory: (setup: TrackerAuthSetup) => unknown): Provider => ({ provide, inject: [TRACKER_AUTH_SETUP], useFactory });
const off = (): never => needs<never>(null, 'credentials', 'TrackerService (service mode; user mode injects @InjectTrackerUserClient())');
/** `TrackerService` without `credentials`: every use throws the ConfigurationError naming the option. */
const serviceModeOff: TrackerContext = { get client() { return off(); }, get auth() { return off(); }, headers: off, verifyAccess: off };

/** The module's providers, all built from one setup. */
export const trackerAuthProviders: Provider[] = [
  { provide: TRACKER_AUTH_SETUP, inject: [TRACKER_AUTH_MODULE_OPTIONS], useFactory: createTrackerAuthSetup },
  fromSetup(TRACKER_AUTH, (setup) => setup.service?.auth ?? null),
  fromSetup(TRACKER_CLIENT, (setup) => setup.service?.client ?? null),
  fromSetup(TRACKER_OAUTH_FLOW, (setup) => setup.flow),
  fromSetup(TrackerService, (setup) => setup.service ?? serviceModeOff),
  {
    provide: TRACKER_USER_CLIENT,
    scope: Scope.REQUEST,
    inject: [REQUEST, TRACKER_AUTH_SETUP],
    async useFactory(platformReq: PlatformRequest, setup: TrackerAuthSetup) {
      const req = rawRequest(platformReq);
      const user = await needs(setup.flow, 'user', '@InjectTrackerUserClient()').userAuth(setup.webRequest(req));
      // Rotated tokens (or a dead session's clearing cookie) go out with this response.
      if (req.res) deliverSessionCookies(req.res, user);
      if (user.signedIn === false) throw new SignInRequiredError('Sign in with Yandex again: this session has ended.');
      return setup.contexts(user.auth).client;
    },
  },
];
