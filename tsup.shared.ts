import { defineConfig, type Options } from 'tsup';

/**
 * The build every published adapter package shares: `src/index.ts` as dual ESM + CJS with
 * types, for Node 20. A package passes only what differs (more entries, `dts` entries).
 *
 * @example
 * // packages/express/tsup.config.ts
 * import { definePackageBuild } from '../../tsup.shared';
 * export default definePackageBuild();
 */
export function definePackageBuild(overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'node20',
    treeshake: true,
    ...overrides,
  });
}
