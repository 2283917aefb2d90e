import { readdirSync } from 'node:fs';
import { definePackageBuild } from '../../tsup.shared';

/** Every source module (not tests): the ESM build keeps one output file per module. */
const modules = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
  .map((file) => `src/${file.replaceAll('\\', '/')}`);

export default definePackageBuild({
  // `node` holds the node:-specific helpers; the default entry stays web-standard; `adapter`
  // holds the building blocks for adapters and libraries.
  entry: { index: 'src/index.ts', adapter: 'src/adapter.ts', node: 'src/node.ts' },
  platform: 'neutral',
  splitting: true,
  external: ['ky'],
  esbuildOptions(options, { format }) {
    if (format !== 'esm') return;
    // ESM is what bundlers read, so it mirrors src/ file for file: with `sideEffects: false` a
    // bundler drops every module an app does not reach, exactly as when it bundles the sources.
    // One bundled chunk would leave that to statement-level analysis, which keeps any top-level
    // statement it cannot prove pure (`a * b`, a property read, a spread) and everything those
    // statements reference. CJS stays bundled: CommonJS is not tree-shaken anyway.
    options.bundle = false;
    options.splitting = false;
    options.entryPoints = modules;
    options.outbase = 'src';
  },
});
