import { defineConfig } from 'vitest/config';

/**
 * The sample is a real consumer: no source aliases, `@tracker-auth/*` resolve to the built
 * packages (dist) through the workspace links, exactly as in a published install.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
