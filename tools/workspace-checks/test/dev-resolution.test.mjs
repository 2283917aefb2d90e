// @ts-check
// The dev-resolution check on fixture manifests: every exported subpath needs its paths entry
// and source file, and a paths entry nobody exports is drift too.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDevResolution, expectedPaths } from '../dev-resolution.mjs';

const dual = (/** @type {string} */ stem) => ({
  import: { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` },
  require: { types: `./dist/${stem}.d.cts`, default: `./dist/${stem}.cjs` },
});
const core = { dir: 'packages/core', name: '@tracker-auth/core', exports: { '.': dual('index'), './node': dual('node'), './adapter': dual('adapter'), './package.json': './package.json' } };
const files = new Set(['packages/core/src/index.ts', 'packages/core/src/node.ts', 'packages/core/src/adapter.ts']);
const exists = (/** @type {string} */ f) => files.has(f);
const paths = {
  '@tracker-auth/core': ['packages/core/src/index.ts'],
  '@tracker-auth/core/node': ['packages/core/src/node.ts'],
  '@tracker-auth/core/adapter': ['packages/core/src/adapter.ts'],
};

describe('dev-resolution', () => {
  it('derives each subpath source from its dist file, package.json left out', () => {
    const { map, problems } = expectedPaths([core]);
    assert.deepEqual(problems, []);
    assert.deepEqual([...map], Object.entries(paths).map(([k, [v]]) => [k, v]));
  });

  it('passes when paths, exports and files agree', () => {
    assert.deepEqual(checkDevResolution({ packages: [core], paths, exists }), []);
  });

  it('fails on an exported subpath without a paths entry', () => {
    const { '@tracker-auth/core/adapter': _, ...without } = paths;
    const problems = checkDevResolution({ packages: [core], paths: without, exists });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /@tracker-auth\/core\/adapter: exported, but tsconfig\.base\.json paths has no entry/);
  });

  it('fails on a missing source, a wrong target and an entry nobody exports', () => {
    const problems = checkDevResolution({
      packages: [core],
      paths: { ...paths, '@tracker-auth/core/node': ['packages/core/src/node/index.ts'], '@tracker-auth/core/gone': ['packages/core/src/gone.ts'] },
      exists: (f) => f !== 'packages/core/src/adapter.ts' && exists(f),
    });
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /core\/adapter: exported, but its source packages\/core\/src\/adapter\.ts does not exist/);
    assert.match(problems.join('\n'), /core\/node: tsconfig\.base\.json paths says \["packages\/core\/src\/node\/index\.ts"\]/);
    assert.match(problems.join('\n'), /core\/gone: tsconfig\.base\.json paths has an entry, but no package exports/);
  });

  it('reads a plain string exports and flags a target it cannot map', () => {
    const { map } = expectedPaths([{ dir: 'packages/x', name: '@tracker-auth/x', exports: './dist/index.js' }]);
    assert.deepEqual([...map], [['@tracker-auth/x', 'packages/x/src/index.ts']]);
    const odd = expectedPaths([{ dir: 'packages/y', name: '@tracker-auth/y', exports: { '.': './lib/main.js' } }]);
    assert.match(odd.problems[0] ?? '', /no \.\/dist\/<name>\.js target/);
  });
});
