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
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
