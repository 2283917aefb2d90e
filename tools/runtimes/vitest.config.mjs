import { defineConfig } from 'vitest/config';

// The fake Yandex runs in the test process; core is taken from its dist by the bundler, never
// from src, so no source aliases here but the fake's.
export default defineConfig({
  resolve: { alias: [{ find: /^@tracker-auth\/testing$/, replacement: new URL('../../packages/testing/src/index.ts', import.meta.url).pathname }] },
  test: { include: ['test/**/*.test.mjs'], pool: 'forks', testTimeout: 60_000, hookTimeout: 120_000 },
});
