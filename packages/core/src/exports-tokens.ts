// Public exports of this area, chosen one by one (see index.ts).
export {
  createRefreshingTokenSource,
  isRetryableTokenError,
  type FetchTokenContext,
  type RefreshingTokenSource,
  type RefreshingTokenSourceOptions,
} from './refresh/engine.js';
export { createMemoryTokenStore, memoryTokenStore, type MemoryTokenStore } from './refresh/memory-store.js';
export { DEFAULT_REFRESH_OPTIONS } from './refresh/refresh-policy.js';
