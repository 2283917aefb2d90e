import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Workspace packages resolve to their TypeScript sources during tests, so no build is
 * needed to run them. Order matters: subpath entries come before the bare package name.
 */
export const sourceAliases = [
  { find: /^@tracker-auth\/core\/node$/, replacement: `${root}packages/core/src/node.ts` },
  { find: /^@tracker-auth\/core$/, replacement: `${root}packages/core/src/index.ts` },
  { find: /^@tracker-auth\/testing$/, replacement: `${root}packages/testing/src/index.ts` },
  { find: /^@tracker-auth\/express$/, replacement: `${root}packages/express/src/index.ts` },
  { find: /^@tracker-auth\/nestjs$/, replacement: `${root}packages/nestjs/src/index.ts` },
  { find: /^@tracker-auth\/next$/, replacement: `${root}packages/next/src/index.ts` },
  { find: /^@tracker-auth\/redis$/, replacement: `${root}packages/redis/src/index.ts` },
];

export function definePackageConfig(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(
    defineConfig({
      resolve: { alias: sourceAliases },
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 20_000,
        hookTimeout: 30_000,
        pool: 'forks',
      },
    }),
    overrides,
  );
}
