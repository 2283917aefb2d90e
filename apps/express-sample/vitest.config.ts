import { e2eTestOptions } from '@tracker-auth-tools/test-harness';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built sample (dist/) and the fake Yandex run as real processes and are
 * driven over HTTP. No source aliases here: the sample is a real consumer of the built packages.
 */
export default defineConfig({ test: e2eTestOptions() });
