/** A minimal browser for tests: per-host cookie jar (values only) and hand-followed redirects. */
export { ValueBrowser as Browser } from '@tracker-auth-tools/test-harness';
