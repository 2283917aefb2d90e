/**
 * What a command runs with: the environment, the output streams and a signal fired by Ctrl+C.
 * Passed in (not read from `process`) so the whole program can also run inside a test process.
 */
import type { Env } from './settings.js';

/** An output stream; `isTTY` is set on terminals. */
export interface OutputStream {
  write(text: string): boolean;
  isTTY?: boolean;
}

export interface CliContext {
  env: Env;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Fired on SIGINT/SIGTERM: long waits (the device-flow poll) stop with it. */
  signal: AbortSignal;
  /** Working folder (the `fake` command looks for @tracker-auth/testing from here too). */
  cwd: string;
}

/** Write one line (a newline is added). */
export function println(stream: OutputStream, text = ''): void {
  stream.write(`${text}\n`);
}

/** Write `value` as one line of JSON. */
export function printJson(stream: OutputStream, value: unknown): void {
  stream.write(`${JSON.stringify(value)}\n`);
}

/**
 * Whether to draw a spinner: a terminal on stdout, not a dumb one, and not CI (whose logs keep
 * every frame). The same test the spinner library makes, so the two never disagree.
 */
export function isInteractive(ctx: CliContext): boolean {
  return Boolean(ctx.stdout.isTTY) && ctx.env.TERM !== 'dumb' && !('CI' in ctx.env);
}
