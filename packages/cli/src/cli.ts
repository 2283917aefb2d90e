#!/usr/bin/env node
/**
 * `tracker-auth` — see README. Ctrl+C aborts what is running (the device-flow poll stops, the
 * login file is left as it was) and exits 130; a second Ctrl+C exits at once.
 */
import { runCli } from './program.js';

const controller = new AbortController();
const interrupt = () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  cwd: process.cwd(),
});
process.exitCode = code;
// Nothing else is left to run; drop the handlers so nothing keeps the process alive.
process.off('SIGINT', interrupt);
process.off('SIGTERM', interrupt);
