/**
 * `verifyAccess()`: the cheapest call that proves credentials, org header and network all
 * work: `GET myself` (docs/yandex-api.md 1.4).
 */
import type { KyInstance } from 'ky';
import { TrackerHttpError } from '../errors.js';

/** The caller as Tracker sees them (`GET /v3/myself`, docs/yandex-api.md 1.4). */
export interface TrackerUser {
  /** API URL of this user, e.g. `https://api.tracker.yandex.net/v2/users/1234`. */
  self: string;
  uid: number;
  login: string;
  trackerUid?: number;
  passportUid?: number;
  /** Set for Yandex Cloud users and service accounts. */
  cloudUid?: string;
  firstName?: string;
  lastName?: string;
  /** Display name. */
  display: string;
  email?: string;
  external?: boolean;
  hasLicense?: boolean;
  dismissed?: boolean;
  useNewFilters?: boolean;
  disableNotifications?: boolean;
  firstLoginDate?: string;
  lastLoginDate?: string;
  welcomeMailSent?: boolean;
  [field: string]: unknown;
}

/**
 * Check that the client can reach Tracker as someone: resolves with the current user, or
 * rejects with the client's typed errors (`UnauthorizedError` for a bad token, a
 * `TrackerHttpError` 403 with `errorCode` 620345 for a wrong org id, …).
 *
 * @example
 * const me = await verifyAccess(createTrackerClient(auth));
 * console.log(`Signed in to Tracker as ${me.login}`);
 */
export async function verifyAccess(client: KyInstance, options: { signal?: AbortSignal | undefined } = {}): Promise<TrackerUser> {
  const body = await client.get('myself', { signal: options.signal }).json<unknown>();
  // Old v2 docs show the user wrapped in an array; servers send an object (docs/yandex-api.md 1.4).
  const user = Array.isArray(body) ? (body[0] as unknown) : body;
  // Optional chaining also turns away null and primitives (they have no `login`).
  if (typeof (user as TrackerUser | null)?.login !== 'string') {
    throw new TrackerHttpError("Tracker's answer to GET myself is not a user", {
      status: 200,
      method: 'GET',
      url: 'myself',
    });
  }
  return user as TrackerUser;
}
