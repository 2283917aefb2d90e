/**
 * What `req.tracker` is: the typed per-request context `trackerAuth()` attaches, and the
 * augmentation of Express's `Request` that makes it visible to apps.
 */
import { createTrackerClient, verifyAccess, type TrackerAuth, type TrackerClientOptions, type TrackerHeaders, type TrackerUser } from '@tracker-auth/core';

/** The ky instance of `req.tracker.client` (prefix `${trackerUrl}/v3/`: `client.get('myself')`). */
export type TrackerClient = ReturnType<typeof createTrackerClient>;

/** What `trackerAuth()` puts on `req.tracker`. */
export interface TrackerRequestContext {
  /** A ky instance at the Tracker API, auth added per call, 401 refreshed and replayed once. */
  readonly client: TrackerClient;
  /** The auth behind the client (service credential or the signed-in user). */
  readonly auth: TrackerAuth;
  /** Current auth headers, for another HTTP client. */
  headers(): Promise<TrackerHeaders>;
  /** Check the credential against Tracker and return the current user (`GET /v3/myself`). */
  verifyAccess(options?: { signal?: AbortSignal | undefined }): Promise<TrackerUser>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `trackerAuth()` of `@tracker-auth/express`. */
      tracker?: TrackerRequestContext;
    }
  }
}

/** The context for one auth: a client over it and helpers bound to that client. */
export function contextFor(auth: TrackerAuth, clientOptions: TrackerClientOptions | undefined): TrackerRequestContext {
  const client = createTrackerClient(auth, clientOptions);
  return { client, auth, headers: () => auth.headers(), verifyAccess: (options) => verifyAccess(client, options) };
}

