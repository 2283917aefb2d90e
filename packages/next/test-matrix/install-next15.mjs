// Installs the Next.js 15 leg of the test matrix into test-matrix/next15/node_modules from its
// committed package-lock.json. It is not an npm workspace on purpose: the workspace itself runs
// Next.js 16, and a second major must not disturb the root install. A stamp (the lock file's
// hash) makes repeat runs a no-op, so `npm test` stays fast after the first install.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const next15Dir = fileURLToPath(new URL('./next15/', import.meta.url));

/** Run `npm ci` in the matrix folder unless its node_modules already matches the lock file. */
export function ensureNext15Installed() {
  const lock = readFileSync(`${next15Dir}package-lock.json`);
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = `${next15Dir}node_modules/.tracker-auth-stamp`;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  // npm_config_* variables of an outer `npm run` (workspace, prefix) would point npm ci at the root.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: next15Dir,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci for the Next.js 15 test leg failed in ${next15Dir}`);
  writeFileSync(stamp, hash);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureNext15Installed();
