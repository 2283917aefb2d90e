// vitest globalSetup of the Next.js 15 leg: make sure test-matrix/next15 is installed first.
// @ts-expect-error -- plain .mjs script without types
import { ensureNext15Installed } from './install-next15.mjs';

export default function setup(): void {
  ensureNext15Installed();
}
