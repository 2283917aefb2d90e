import { defineConfig } from 'tsup';

export default defineConfig({
  // `cli` is the `tracker-auth-fake` bin (dist/cli.js, ESM; tsup keeps its shebang).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: false,
  target: 'node20',
  treeshake: true,
});
