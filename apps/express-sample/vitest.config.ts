import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built sample (dist/) and the fake Yandex run as real processes and are
 * driven over HTTP. No source aliases here: the sample is a real consumer of the built packages.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One sample + fake pair per file; files run one after another to spare the 2 shared cores.
    fileParallelism: false,
  },
});
