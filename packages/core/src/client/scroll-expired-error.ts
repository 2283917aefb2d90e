/**
 * The error of an issue-search scroll that expired. Kept out of errors.ts so that only apps that
 * use `paginate()` bundle it (errors.ts lists its name for the cross-copy guards).
 */
import { TrackerHttpError, isTrackerAuthError } from '../errors.js';

/**
 * Tracker answered 403 "Expired signature" to the next page of an issue-search scroll: more
 * than `scrollTTLMillis` passed between two pages, so the scroll is gone and the search must
 * start again. A {@link TrackerHttpError} (`status` 403, `code: 'HTTP_ERROR'`), so
 * `isTrackerHttpError()` and `httpStatusForError()` treat it as one.
 */
export class ScrollExpiredError extends TrackerHttpError {
  override name = 'ScrollExpiredError';
}

/** True for a {@link ScrollExpiredError}, from this copy of the package or another. */
export function isScrollExpiredError(value: unknown): value is ScrollExpiredError {
  return value instanceof ScrollExpiredError || (isTrackerAuthError(value) && value.name === 'ScrollExpiredError');
}
