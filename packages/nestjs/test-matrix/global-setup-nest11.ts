// vitest globalSetup of the NestJS 11 leg: make sure test-matrix/nest11 is installed first.
// @ts-expect-error -- plain .mjs script without types
import { ensureNest11Installed } from './install-nest11.mjs';

export default function setup(): void {
  ensureNest11Installed();
}
