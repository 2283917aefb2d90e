// Vitest options of the samples' end-to-end suites: built sample + fake Yandex as real processes.

/**
 * `test` options for an app's e2e suite: e2e/**\/*.test.ts, generous timeouts (processes start),
 * forks, and files one after another (one sample + fake pair per file; 2 shared cores).
 * A fresh object per call: Vitest may normalise the config it is given in place.
 */
export function e2eTestOptions() {
  return {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: /** @type {const} */ ('forks'),
    fileParallelism: false,
  };
}
