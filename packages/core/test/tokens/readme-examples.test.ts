import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

/** The README sections of the token sources (and errors); every ```js block in them must run as is. */
const SECTIONS = ['40-token-sources.md', '50-refresh-engine.md', '95-errors.md'];
const packages = fileURLToPath(new URL('../../../', import.meta.url));
const ENTRIES: Record<string, string> = {
  '@tracker-auth/core': join(packages, 'core/src/index.ts'),
  '@tracker-auth/core/node': join(packages, 'core/src/node.ts'),
  '@tracker-auth/testing': join(packages, 'testing/src/index.ts'),
};
/** Resolve the published names to the sources, as the vitest config does. */
const workspaceSources: Plugin = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@tracker-auth\// }, (args) => (ENTRIES[args.path] ? { path: ENTRIES[args.path]! } : undefined));
  },
};

function examples(file: string): Array<{ name: string; code: string }> {
  const text = readFileSync(join(packages, 'core/readme', file), 'utf8');
  return [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m, i) => ({ name: `${file} example ${i + 1}`, code: m[1]! }));
}

const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-readme-'));
const all = SECTIONS.flatMap((file) => examples(file).map((e) => ({ ...e, file, slug: e.name.replace(/\W+/g, '-') })));

beforeAll(async () => {
  // One bundle run for all examples (shared chunks), so each test only starts `node`.
  for (const { slug, code } of all) writeFileSync(join(dir, `${slug}.mjs`), code);
  await build({
    entryPoints: all.map(({ slug }) => join(dir, `${slug}.mjs`)),
    outdir: join(dir, 'out'),
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    nodePaths: [join(packages, 'core/node_modules'), join(packages, '../node_modules')],
    plugins: [workspaceSources],
  });
});

describe('README examples run as written', () => {
  for (const file of SECTIONS) {
    it(`${file} has examples`, () => expect(all.filter((e) => e.file === file).length).toBeGreaterThan(0));
  }
  for (const { name, slug } of all) {
    it(name, () => {
      const run = spawnSync(process.execPath, [join(dir, 'out', `${slug}.js`)], { encoding: 'utf8', timeout: 20_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    });
  }
});
