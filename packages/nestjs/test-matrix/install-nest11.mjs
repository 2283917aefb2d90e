// Installs the NestJS 11 leg of the test matrix into test-matrix/nest11/node_modules from its
// committed package-lock.json (not a workspace: the workspace itself runs NestJS 12). The
// install, and the stamp that makes repeat runs a no-op, live in the shared test harness.
import { fileURLToPath } from 'node:url';
import { ensureLockedInstall, isMain } from '@tracker-auth-tools/test-harness';

export const nest11Dir = fileURLToPath(new URL('./nest11/', import.meta.url));

/** Run `npm ci` in the matrix folder unless its node_modules already matches the lock file. */
export function ensureNest11Installed() {
  ensureLockedInstall(nest11Dir, 'the NestJS 11 test leg');
}

if (isMain(import.meta.url)) ensureNest11Installed();
