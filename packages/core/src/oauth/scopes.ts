/**
 * Tracker's OAuth rights (docs/yandex-api.md 2.1): request them in `scope` / `optional_scope`
 * of the authorize URL and the device-code request.
 */

/** Read-only access to Tracker. */
export const TRACKER_READ = 'tracker:read';
/** Create, edit and delete in Tracker. */
export const TRACKER_WRITE = 'tracker:write';

/** Both Tracker rights, for `scope: TRACKER_SCOPES`. */
export const TRACKER_SCOPES: readonly TrackerScope[] = Object.freeze([TRACKER_READ, TRACKER_WRITE]);

/** A Tracker right. Other Yandex rights (e.g. `login:email`) are plain strings. */
export type TrackerScope = typeof TRACKER_READ | typeof TRACKER_WRITE;
