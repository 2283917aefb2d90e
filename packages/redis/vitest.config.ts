import { definePackageConfig } from '../../vitest.shared';

/** Tests start their own redis-server processes; several files at once would only compete for 2 cores. */
export default definePackageConfig({ test: { fileParallelism: false, testTimeout: 60_000 } });
