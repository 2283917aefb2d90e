import { definePackageBuild } from '../../tsup.shared';

export default definePackageBuild({
  // The package is its `tracker-auth` bin only (dist/cli.js, ESM; tsup keeps its shebang).
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  dts: false,
});
