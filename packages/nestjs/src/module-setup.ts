/**
 * Options → core objects, once, when the module is instantiated. Every core factory validates
 * its own options and throws `ConfigurationError`; thrown from a provider factory, that makes
 * `NestFactory.create()` reject with the same clear message (docs/architecture.md principle 4).
 */
import type { IncomingMessage } from 'node:http';
import {
  assertTrackerClientOptions,
  assertUrl,
  ConfigurationError,
  createOAuthFlow,
  createTrackerAuth,
  createTrackerClient,
  type OAuthFlow,
  type TrackerAuth,
  type TrackerClientOptions,
} from '@tracker-auth/core';
import { toWebRequest } from '@tracker-auth/core/node';
import type { TrackerAuthModuleOptions } from './module-options.js';

/** The ky instance `createTrackerClient()` returns (typed without a direct dependency on ky). */
export type TrackerClient = ReturnType<typeof createTrackerClient>;

/** What the module's providers hand out, built from the options in one place. */
export interface TrackerAuthSetup {
  /** Service-mode auth, or null when the module runs in user mode only. */
  auth: TrackerAuth | null;
  /** Service-mode client, or null in user mode only. */
  client: TrackerClient | null;
  /** The sign-in flow, or null without `oauth`. */
  flow: OAuthFlow | null;
  clientOptions: TrackerClientOptions;
  /** The web `Request` core's handlers need, for a Node/Express request. */
  webRequest(req: IncomingMessage): Request;
}

function invalid(field: string, message: string): never {
  throw new ConfigurationError('INVALID_OPTION', field, `TrackerAuthModule: ${message}`);
}

/** Validate module options and build auth, client and sign-in flow. */
export function createTrackerAuthSetup(options: TrackerAuthModuleOptions): TrackerAuthSetup {
  if (!options || typeof options !== 'object') invalid('options', 'forRoot()/useFactory must provide an options object.');
  const { org, credentials, oauth, baseUrl, trustProxy } = options;
  if (credentials === undefined && oauth === undefined) {
    invalid(
      'credentials',
      'pass `credentials` (service mode, e.g. credentialsFromEnv().credentials) or `oauth` (user mode: sign-in with Yandex), or both.',
    );
  }
  if (baseUrl !== undefined) assertUrl(baseUrl, 'baseUrl');
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean') invalid('trustProxy', '`trustProxy` must be true or false.');

  const auth = credentials === undefined ? null : createTrackerAuth({ credentials, org, store: options.store, refresh: options.refresh });
  // Clients of signed-in users are made per request: their options must still fail now.
  const clientOptions = assertTrackerClientOptions(options.client ?? {}, 'client');
  const flow = oauth === undefined ? null : createOAuthFlow({ ...oauth, org: oauth.org ?? org });

  return {
    auth,
    client: auth === null ? null : createTrackerClient(auth, clientOptions),
    flow,
    clientOptions,
    webRequest: (req) => toWebRequest(req, { baseUrl, trustProxy, body: false }),
  };
}
