import { e2eTestOptions } from '@tracker-auth-tools/test-harness';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built sample (dist/main.js, CommonJS) runs as a real process against a
 * fake Yandex and is driven over HTTP. No source aliases: the sample consumes the built packages.
 */
export default defineConfig({ test: e2eTestOptions() });
