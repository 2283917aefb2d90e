/**
 * The one name for what `createTrackerClient()` returns, so adapters and apps never declare
 * `ReturnType<typeof createTrackerClient>` again.
 */
import type { KyInstance } from 'ky';

/**
 * A ky instance at the Tracker API: `prefixUrl` is `<trackerUrl>/v3/` (or the `apiVersion`
 * asked), auth is added per call, a 401 refreshes and replays once, 429/503 honour `Retry-After`.
 *
 * @example
 * const me = await tracker.get('myself').json<{ login: string }>();
 */
export type TrackerClient = KyInstance;
