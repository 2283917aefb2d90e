// @ts-check
// The import-cycle rule on fixture packages written to a temporary directory (the rule reads
// the package's files from disk): a cycle is reported with its path, type-only edges count,
// and it covers both a package's src (TypeScript) and a tool without src (plain .mjs).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import noImportCycle from '../../../eslint-rules/no-import-cycle.mjs';

const base = mkdtempSync(join(tmpdir(), 'no-import-cycle-'));
after(() => rmSync(base, { recursive: true, force: true }));

/** @param {string} dir @param {Record<string, string>} files */
const writeTree = (dir, files) => {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
};

/** Lints one file of the tree with the rule only; returns its messages. @param {string} file */
const lint = (file) => {
  // Config patterns are matched relative to cwd: the fixtures live under `base`.
  const linter = new Linter({ configType: 'flat', cwd: base });
  return linter.verify(readFileSync(file, 'utf8'), [
    {
      files: ['**/*.ts', '**/*.mjs'],
      languageOptions: { parser: /** @type {any} */ (tseslint.parser) },
      plugins: { t: { rules: { 'no-import-cycle': noImportCycle } } },
      rules: { 't/no-import-cycle': 'error' },
    },
  ], { filename: file });
};

describe('no-import-cycle', () => {
  it('reports a type-only cycle between two files of a package src, with the path', () => {
    const pkg = join(base, 'pkg');
    writeTree(pkg, {
      'package.json': '{"name":"pkg"}',
      'src/route-handler.ts': "import type { Options } from './oauth-routes.js';\nexport type Handler = (o: Options) => void;\n",
      'src/oauth-routes.ts': "import type { Handler } from './route-handler.js';\nexport interface Options { h: Handler }\n",
      'src/leaf.ts': "import type { Options } from './oauth-routes.js';\nexport const x = (o: Options) => o;\n",
    });
    const messages = lint(join(pkg, 'src', 'route-handler.ts'));
    assert.equal(messages.length, 1);
    assert.match(messages[0]?.message ?? '', /Import cycle: route-handler\.ts → oauth-routes\.ts → route-handler\.ts/);
    assert.deepEqual(lint(join(pkg, 'src', 'leaf.ts')), []);
  });

  it('reports a cycle between the .mjs files of a tool without src', () => {
    const tool = join(base, 'tool');
    writeTree(tool, {
      'package.json': '{"name":"tool"}',
      'run.mjs': "import { lib } from './lib/a.mjs';\nexport const run = () => lib();\n",
      'lib/a.mjs': "import { b } from './b.mjs';\nexport const lib = () => b();\n",
      'lib/b.mjs': "export const b = async () => (await import('../run.mjs')).run;\n",
    });
    const messages = lint(join(tool, 'lib', 'b.mjs'));
    assert.equal(messages.length, 1);
    assert.match(messages[0]?.message ?? '', /lib\/b\.mjs → run\.mjs → lib\/a\.mjs → lib\/b\.mjs/);
  });

  it('leaves the workspace root’s own files alone', () => {
    const ws = join(base, 'ws');
    writeTree(ws, {
      'package.json': '{"name":"ws","workspaces":["packages/*"]}',
      'a.mjs': "import './b.mjs';\n",
      'b.mjs': "import './a.mjs';\n",
    });
    assert.deepEqual(lint(join(ws, 'a.mjs')), []);
  });
});
