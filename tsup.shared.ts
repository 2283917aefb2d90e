import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Turns esbuild's `keepNames` back off. tsup builds through its swc plugin whenever the tsconfig
 * it reads has `emitDecoratorMetadata` (the NestJS package needs it), and that plugin forces
 * `keepNames`, which wraps every function and class in a top-level `__name(…)` call or a
 * `static { __name(this, …) }` block: side effects no bundler may drop, so an app importing one
 * function would carry the whole package. Names survive without it: esbuild names classes and
 * functions by their binding, and error classes set `name` as an own property.
 * Registered after tsup's own plugins, so it has the last word on the option.
 */
const noKeepNames: EsbuildPlugin = {
  name: 'tracker-auth:no-keep-names',
  setup(build) {
    build.initialOptions.keepNames = false;
  },
};

/**
 * The build every published package shares: `src/index.ts` as dual ESM + CJS with types, for
 * Node 20, with no top-level side effects left in `dist` (each package says
 * `sideEffects: false`, so bundlers drop whatever an app does not import). A package passes
 * only what differs (more entries, `dts` entries, platform).
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
    // Frozen constants are read-only data: mark the calls pure so a bundler drops the unused ones.
    pure: ['Object.freeze'],
    ...overrides,
    esbuildPlugins: [...(overrides.esbuildPlugins ?? []), noKeepNames],
  });
}
