// Public exports of this area, chosen one by one (see index.ts).
export { createTrackerClient, type TrackerClientOptions } from './client/tracker-client.js';
export { assertTrackerClientOptions } from './client/client-options.js';
export { verifyAccess, type TrackerUser } from './client/verify-access.js';
export { paginate, type Paginated, type Page, type PaginateOptions, type ScrollOptions } from './client/paginate.js';
export { ScrollExpiredError, isScrollExpiredError } from './client/scroll-expired-error.js';
export type { User, Queue, Issue, Comment, Transition, TrackerRef } from './client/entities.js';
