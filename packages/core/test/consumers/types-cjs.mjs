// Type check of the BUILT declarations from a strict CommonJS TypeScript project:
// `module`/`moduleResolution` node16, `skipLibCheck: false`, a `.cts` file importing both entries.
// There `require` resolves `dist/*.d.cts`, and a plain import of an ESM-only package (ky) in them
// fails with TS1479; attw and consumers that skip lib checks do not see it. The project lives in a
// temporary directory whose node_modules link to the workspace, as an installed package would.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(packageDir, 'package.json'));

const CONSUMER = `import { createTrackerAuth, createTrackerClient, oauthToken, type TrackerAuth } from '@tracker-auth/core';
import { credentialsFromNodeEnv } from '@tracker-auth/core/node';

export const auth: TrackerAuth = createTrackerAuth({ credentials: oauthToken('y0_consumer_typecheck_token_value_1234567890'), org: { orgId: '123' } });
export const client = createTrackerClient(auth);
export const fromEnv: typeof credentialsFromNodeEnv = credentialsFromNodeEnv;
export async function me(): Promise<unknown> {
  return client.get('myself').json();
}
`;

function packageRoot(file) {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** Compiles the consumer; throws with tsc's output when the declarations do not type-check. */
export function checkCjsTypes() {
  const dir = mkdtempSync(join(tmpdir(), 'tracker-auth-cjs-types-'));
  try {
    const link = (name, target) => {
      mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
      symlinkSync(target, join(dir, 'node_modules', name), 'dir');
    };
    link('@tracker-auth/core', packageDir);
    // ky's exports map has no ./package.json: find the package directory from its entry.
    link('ky', packageRoot(require.resolve('ky')));
    link('@types/node', dirname(require.resolve('@types/node/package.json')));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-types-consumer', private: true, type: 'commonjs' }));
    writeFileSync(join(dir, 'consumer.cts'), CONSUMER);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: ['node'],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
        },
        files: ['consumer.cts'],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      throw new Error(`a CommonJS (node16, skipLibCheck: false) consumer does not type-check:\n${error.stdout}${error.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
