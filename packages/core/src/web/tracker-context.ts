/**
 * The per-auth bundle an adapter hands its app (Express `req.tracker`, NestJS `TrackerService`):
 * a Tracker client over the auth and helpers bound to that client. Built here once so every
 * adapter makes per-user clients the same way, with client options checked at start-up.
 */
import { assertTrackerClientOptions, type TrackerClientOptions } from '../client/client-options.js';
import { createTrackerClient } from '../client/tracker-client.js';
import type { TrackerClient } from '../client/tracker-client-type.js';
import { verifyAccess, type TrackerUser } from '../client/verify-access.js';
import type { GetTokenOptions, TrackerAuth, TrackerHeaders } from '../types.js';

/** A Tracker client with its auth and the helpers an app uses beside it. */
export interface TrackerContext {
  /** A ky instance at the Tracker API (`client.get('myself')`), auth added per call, 401 refreshed and replayed once. */
  readonly client: TrackerClient;
  /** The auth behind the client (a service credential or a signed-in user's). */
  readonly auth: TrackerAuth;
  /** Current auth headers, for another HTTP client. */
  headers(options?: GetTokenOptions): Promise<TrackerHeaders>;
  /** Check the credential against Tracker and return the current user (`GET /v3/myself`). */
  verifyAccess(options?: { signal?: AbortSignal | undefined }): Promise<TrackerUser>;
}

/**
 * A maker of {@link TrackerContext}s sharing `clientOptions` (validated here: ConfigurationError
 * naming the field). One context per auth, cached while the auth lives, so requests acting with
 * the same auth share one client (and its token cache and single-flight refresh).
 *
 * @example
 * const contextOf = createTrackerContexts({ trackerUrl: 'https://api.tracker.yandex.net' });
 * const me = await contextOf(auth).verifyAccess();
 */
export function createTrackerContexts(clientOptions?: TrackerClientOptions): (auth: TrackerAuth) => TrackerContext {
  const options = assertTrackerClientOptions(clientOptions ?? {}, 'client');
  const contexts = new WeakMap<TrackerAuth, TrackerContext>();
  return function trackerContextOf(auth: TrackerAuth): TrackerContext {
    let context = contexts.get(auth);
    if (context === undefined) {
      const client = createTrackerClient(auth, options);
      context = { client, auth, headers: (opts) => auth.headers(opts), verifyAccess: (opts) => verifyAccess(client, opts) };
      contexts.set(auth, context);
    }
    return context;
  };
}
