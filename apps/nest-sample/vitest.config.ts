import { e2eTestOptions } from '@tracker-auth-tools/test-harness';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built sample (dist/main.js, CommonJS) runs as a real process against a
 * fake Yandex and is driven over HTTP, once on Express and once on Fastify. No source aliases: the sample consumes the built packages.
 */
export default defineConfig({
  test: {
    ...e2eTestOptions(),
    // The same suite on both HTTP platforms (`NEST_PLATFORM`, read by src/main.ts).
    projects: (['express', 'fastify'] as const).map((platform) => ({
      extends: true as const,
      test: { name: platform, env: { NEST_PLATFORM: platform } },
    })),
  },
});
