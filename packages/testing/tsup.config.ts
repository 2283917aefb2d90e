import { definePackageBuild } from '../../tsup.shared';

export default definePackageBuild({
  // `cli` is the `tracker-auth-fake` bin (dist/cli.js, ESM; tsup keeps its shebang).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  dts: { entry: { index: 'src/index.ts' } },
});
