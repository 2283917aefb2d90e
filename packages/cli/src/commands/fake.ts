/**
 * `tracker-auth fake`: runs the fake Yandex of `@tracker-auth/testing` (its `tracker-auth-fake`
 * CLI, with the same arguments). The testing package is not a dependency of the CLI: people
 * who only sign in never download a fake server. It is looked up next to the CLI, then from the
 * working folder (a project that installed it as a dev dependency); absent, the command says
 * how to install it.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { println, type CliContext } from '../context.js';
import { CliError, type ExitCode } from '../errors.js';

const TESTING = '@tracker-auth/testing';
const BIN = 'tracker-auth-fake';
const INSTALL_HINT = `install it next to the CLI: npm install --save-dev ${TESTING} (then \`npx tracker-auth fake\` or \`npx ${BIN}\`).`;

/** The fake's CLI script, or undefined when the testing package cannot be found. */
export function findFakeCli(cwd: string): string | undefined {
  const bases = [import.meta.url, join(cwd, 'package.json')];
  for (const base of bases) {
    let manifest: string;
    try {
      manifest = createRequire(base).resolve(`${TESTING}/package.json`);
    } catch {
      continue;
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.[BIN];
    if (bin === undefined) continue;
    const script = resolve(dirname(manifest), bin);
    if (!existsSync(script)) {
      throw new CliError('failure', `${TESTING} is installed at ${dirname(manifest)}, but its CLI ${bin} is missing.`, {
        hint: `build it (npm run build -w ${TESTING}) or reinstall it.`,
      });
    }
    return script;
  }
  return undefined;
}

export const FAKE_HELP = `Usage: tracker-auth fake [options]

Runs the fake Yandex (Tracker, OAuth, IAM, metadata) of ${TESTING}, exactly like \`${BIN}\`:
every option is passed on to it (--port, --json, --seed, --no-auto-approve, …; its own --help
lists them). ${TESTING} is an optional companion of the CLI: ${INSTALL_HINT}
`;

/** Run the fake until it exits or this process is told to stop; resolves its exit code. */
export async function fake(ctx: CliContext, args: readonly string[]): Promise<ExitCode | number> {
  const script = findFakeCli(ctx.cwd);
  if (!script) {
    if (args.includes('--help') || args.includes('-h')) {
      ctx.stdout.write(FAKE_HELP);
      return 0;
    }
    throw new CliError('failure', `tracker-auth fake needs ${TESTING}, which is not installed.`, { hint: INSTALL_HINT });
  }
  const child = spawn(process.execPath, [script, ...args], { cwd: ctx.cwd, env: { ...ctx.env }, stdio: 'inherit' });
  // Ctrl+C reaches the child through the terminal; a SIGTERM sent to this process alone is passed on.
  const stop = () => child.kill('SIGTERM');
  ctx.signal.addEventListener('abort', stop, { once: true });
  try {
    return await new Promise<number>((done, fail) => {
      child.once('error', fail);
      child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
    });
  } catch (error) {
    println(ctx.stderr, `tracker-auth: could not start ${script}: ${(error as Error).message}`);
    return 1;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
  }
}
