import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built sample (dist/main.js, CommonJS) runs as a real process against a
 * fake Yandex and is driven over HTTP. No source aliases: the sample consumes the built packages.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
