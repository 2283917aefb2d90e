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

export default mergeConfig(
  base,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'nest12', env: { NEST_MAJOR: '12' } } },
        {
          extends: true,
          resolve: {
            alias: [
              { find: /^@nestjs\/(common|core|platform-express)$/, replacement: `${nest11}@nestjs/$1/index.js` },
              { find: /^@nestjs\/(common|core|platform-express)\/(.+)$/, replacement: `${nest11}@nestjs/$1/$2` },
              { find: /^reflect-metadata$/, replacement: `${nest11}reflect-metadata/Reflect.js` },
            ],
          },
          test: {
            name: 'nest11',
            // Spawns a process that loads the workspace's own NestJS; once (in the nest12 leg) is enough.
            exclude: ['test/esm-consumer.test.ts'],
            env: { NEST_MAJOR: '11' },
            globalSetup: ['./test-matrix/global-setup-nest11.ts'],
          },
        },
      ],
    },
  }),
);
