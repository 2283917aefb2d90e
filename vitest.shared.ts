import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Workspace packages resolve to their TypeScript sources during tests, so no build is needed
 * to run them. The mapping is not written here: it is derived from `paths` in
 * tsconfig.base.json, the one list tsc and esbuild also read (a subpath added there, such as
 * `@tracker-auth/core/adapter`, works in tests at once). Read with TypeScript's own parser,
 * so the file may carry comments. tools/workspace-checks/dev-resolution.mjs keeps the list
 * equal to the packages' `exports` maps.
 */
export const sourceAliases = aliasesFromPaths(`${root}tsconfig.base.json`);

function aliasesFromPaths(tsconfigFile: string): { find: RegExp; replacement: string }[] {
  const { config, error } = ts.readConfigFile(tsconfigFile, ts.sys.readFile);
  if (error) throw new Error(`vitest.shared.ts: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const paths: Record<string, string[]> = config?.compilerOptions?.paths ?? {};
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  // Anchored patterns: '@tracker-auth/core' never swallows '@tracker-auth/core/node', whatever the order.
  return Object.entries(paths).map(([specifier, [target]]) => {
    if (target === undefined) throw new Error(`vitest.shared.ts: tsconfig.base.json paths["${specifier}"] is empty`);
    const star = specifier.indexOf('*');
    if (star < 0) return { find: new RegExp(`^${escape(specifier)}$`), replacement: `${root}${target}` };
    const find = new RegExp(`^${escape(specifier.slice(0, star))}(.+)${escape(specifier.slice(star + 1))}$`);
    return { find, replacement: `${root}${target.replace('*', '$1')}` };
  });
}

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
