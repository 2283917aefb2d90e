// Imported by instrumentation.ts on the Node.js runtime only: build the wiring or stop.
import { tracker } from './tracker';

try {
  tracker();
} catch (error) {
  // Next would log a failed hook and keep serving errors; a misconfigured app should not run.
  console.error(`next-sample: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
