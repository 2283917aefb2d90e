import { definePackageConfig } from '../../vitest.shared';

/** The e2e tests run the CLI in child processes against one fake each; in parallel they would only compete for 2 cores. */
export default definePackageConfig({ test: { fileParallelism: false, testTimeout: 60_000 } });
