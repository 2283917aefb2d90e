import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { definePackageConfig } from '../../vitest.shared';

const root = fileURLToPath(new URL('../..', import.meta.url));
const next15 = fileURLToPath(new URL('./test-matrix/next15/node_modules/', import.meta.url));

/**
 * Two legs, one `vitest run`: the workspace's Next.js 16 and Next.js 15 from the separate install
 * in test-matrix/next15. The aliases apply to the tests and to the adapter's sources alike, so
 * each leg loads one Next major (test/next-version.test.ts asserts which one).
 *
 * `server-only` resolves to its empty module, as under Next's `react-server` condition: these
 * tests are the server side. (Its throwing default export is what a client bundle gets.)
 */
const base = definePackageConfig();

export default mergeConfig(
  base,
  defineConfig({
    test: {
      projects: [
        {
          extends: true,
          resolve: { alias: [{ find: /^server-only$/, replacement: `${root}node_modules/server-only/empty.js` }] },
          // The Next 16 app is the next-sample e2e; the built-app test here is the Next 15 one.
          test: { name: 'next16', env: { NEXT_MAJOR: '16' }, exclude: ['**/node_modules/**', 'test/next15-app.test.ts'] },
        },
        {
          extends: true,
          resolve: {
            alias: [
              { find: /^server-only$/, replacement: `${next15}server-only/empty.js` },
              { find: /^next\/(.+)$/, replacement: `${next15}next/$1` },
              { find: /^next$/, replacement: `${next15}next/index.js` },
              { find: /^react$/, replacement: `${next15}react/index.js` },
              { find: /^react-dom$/, replacement: `${next15}react-dom/index.js` },
            ],
          },
          test: {
            name: 'next15',
            env: { NEXT_MAJOR: '15' },
            globalSetup: ['./test-matrix/global-setup-next15.ts'],
            // The built entry is the same file whichever Next is installed: checked once, in next16.
            exclude: ['**/node_modules/**', 'test/package-entry.test.ts'],
          },
        },
      ],
    },
  }),
);
