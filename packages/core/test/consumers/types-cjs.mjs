// Type check of the BUILT declarations from strict CommonJS TypeScript projects:
// `module`/`moduleResolution` node16 (a `.cts` file) and `commonjs`/node10 (a `.ts` file),
// `skipLibCheck: false`, importing every entry.
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
import { errorAnswer, type WebErrorBody } from '@tracker-auth/core/adapter';
import { credentialsFromNodeEnv } from '@tracker-auth/core/node';

export const auth: TrackerAuth = createTrackerAuth({ credentials: oauthToken('y0_consumer_typecheck_token_value_1234567890'), org: { orgId: '123' } });
export const client = createTrackerClient(auth);
export const fromEnv: typeof credentialsFromNodeEnv = credentialsFromNodeEnv;
export const body: WebErrorBody = errorAnswer(new Error('x')).body;
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
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER);
    const compilerOptions = { target: 'es2022', lib: ['es2023', 'dom'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true };
    // node16: `require` conditions of the exports map. node10 (`module: commonjs`, still the
    // default of many older Nest and CommonJS projects) ignores exports maps: the subpaths
    // `@tracker-auth/core/node` and `/adapter` resolve only through package.json's `typesVersions`.
    const projects = [
      { label: 'node16', file: 'consumer.cts', module: 'node16', moduleResolution: 'node16' },
      { label: 'node10 (module commonjs)', file: 'consumer.ts', module: 'commonjs', moduleResolution: 'node10' },
    ];
    const tsc = require.resolve('typescript/bin/tsc');
    for (const { label, file, module, moduleResolution } of projects) {
      const config = join(dir, `tsconfig.${moduleResolution}.json`);
      writeFileSync(config, JSON.stringify({ compilerOptions: { ...compilerOptions, module, moduleResolution }, files: [file] }));
      try {
        execFileSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        throw new Error(`a CommonJS (${label}, skipLibCheck: false) consumer does not type-check:\n${error.stdout}${error.stderr}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
