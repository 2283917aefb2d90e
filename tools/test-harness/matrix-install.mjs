// Test-matrix legs (NestJS 11, Next.js 15) live in folders that are not npm workspaces on purpose:
// the workspace runs the newer major, and a second one must not disturb the root install. Each
// folder is installed from its committed package-lock.json; a stamp (the lock file's hash) makes
// repeat runs a no-op, so `npm test` stays fast after the first install.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Run `npm ci` in `dir` unless its node_modules already matches its package-lock.json.
 * @param {string} dir the matrix folder (holds package.json and package-lock.json)
 * @param {string} label what the folder is, for the error message (e.g. 'the NestJS 11 test leg')
 * @returns {void}
 */
export function ensureLockedInstall(dir, label) {
  const lock = readFileSync(join(dir, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = join(dir, 'node_modules', '.tracker-auth-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  // npm_config_* variables of an outer `npm run` (workspace, prefix) would point npm ci at the root.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: dir,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`npm ci for ${label} failed in ${dir}`);
  // A folder without dependencies gets no node_modules from npm ci.
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  writeFileSync(stamp, hash);
}
