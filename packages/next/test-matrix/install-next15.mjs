// Installs the Next.js 15 leg of the test matrix into test-matrix/next15/node_modules from its
// committed package-lock.json (not a workspace: the workspace itself runs Next.js 16). The
// install, and the stamp that makes repeat runs a no-op, live in the shared test harness.
import { fileURLToPath } from 'node:url';
import { ensureLockedInstall, isMain } from '@tracker-auth-tools/test-harness';

export const next15Dir = fileURLToPath(new URL('./next15/', import.meta.url));

/** Run `npm ci` in the matrix folder unless its node_modules already matches the lock file. */
export function ensureNext15Installed() {
  ensureLockedInstall(next15Dir, 'the Next.js 15 test leg');
}

if (isMain(import.meta.url)) ensureNext15Installed();
