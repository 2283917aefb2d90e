/** Bundle a fixture from TypeScript sources (workspace packages mapped to src) for a plain `node` child. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function bundleFixture(name: string, entry = src(`./fixtures/${name}.ts`)): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    // The workspace's one dev mapping (tsconfig.base.json paths, through this package's tsconfig).
    tsconfig: src('../tsconfig.json'),
    // ioredis is CommonJS and requires Node built-ins: give the ESM bundle a require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-redis-child-'));
  const script = join(dir, `${name}.mjs`);
  writeFileSync(script, result.outputFiles[0]!.text);
  return script;
}
