import swc from 'unplugin-swc';
import { defineConfig, mergeConfig } from 'vitest/config';
import { definePackageConfig } from '../../vitest.shared';

const nest11 = new URL('./test-matrix/nest11/node_modules/', import.meta.url).pathname;

/**
 * Two legs, one `vitest run`: the workspace's NestJS 12, and NestJS 11 from the separate
 * install in test-matrix/nest11. The aliases apply to the test files and to the adapter's
 * sources alike, so the whole graph of a leg loads one NestJS major
 * (test/nest-version.test.ts asserts which one).
 */
const base = definePackageConfig({
  // Nest's DI reads emitDecoratorMetadata output, which vite's own transform does not emit.
  plugins: [swc.vite({ tsconfigFile: new URL('./tsconfig.json', import.meta.url).pathname })],
  test: { setupFiles: ['reflect-metadata'] },
});

const nest11Aliases = [
  { find: /^@nestjs\/(common|core|platform-express|platform-fastify)$/, replacement: `${nest11}@nestjs/$1/index.js` },
  { find: /^@nestjs\/(common|core|platform-express|platform-fastify)\/(.+)$/, replacement: `${nest11}@nestjs/$1/$2` },
  { find: /^reflect-metadata$/, replacement: `${nest11}reflect-metadata/Reflect.js` },
];

/** Every suite runs on both HTTP platforms (test/helpers.ts `createApp()` reads NEST_PLATFORM). */
const legs = (['express', 'fastify'] as const).flatMap((platform) => [
  { extends: true as const, test: { name: `nest12-${platform}`, env: { NEST_MAJOR: '12', NEST_PLATFORM: platform } } },
  {
    extends: true as const,
    resolve: { alias: nest11Aliases },
    test: {
      name: `nest11-${platform}`,
      // Spawns a process that loads the workspace's own NestJS; once (in the nest12 leg) is enough.
      exclude: ['test/esm-consumer.test.ts'],
      env: { NEST_MAJOR: '11', NEST_PLATFORM: platform },
      globalSetup: ['./test-matrix/global-setup-nest11.ts'],
    },
  },
]);

export default mergeConfig(base, defineConfig({ test: { projects: legs } }));
