#!/usr/bin/env node
/**
 * `tracker-auth-fake` — runs the fake Yandex until SIGINT/SIGTERM. See README "CLI".
 */
import { runCli } from './cli-main.js';

async function main(): Promise<void> {
  const { fake, exitCode } = await runCli(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  });
  if (!fake) {
    process.exitCode = exitCode;
    return;
  }
  const stop = () => {
    // A signal handler cannot await: exit once the fake has closed, and with 1 if closing failed.
    void fake.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// The entry point of the process: a failure is reported and sets the exit code rather than
// surfacing as an unhandled rejection with a stack trace.
void main().catch((error: unknown) => {
  process.stderr.write(`tracker-auth-fake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
