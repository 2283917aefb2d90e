// Child processes for tests: long-running servers with their output kept for failure messages and
// a clean stop (whole process group: SIGTERM, then SIGKILL), and one-shot commands captured.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitForHttp } from './ports.mjs';

// A process group of its own lets stop() reach whatever the server forked; Windows has none.
const groups = process.platform !== 'win32';

/**
 * Send `signal` to the child's process group when it leads one, else to the child.
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} signal
 * @param {boolean} group
 */
function signalChild(child, signal, group) {
  if (group && child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // group already gone: fall back to the child itself
    }
  }
  child.kill(signal);
}

/**
 * Stop a child: `ask` it (default SIGTERM), SIGKILL after `graceMs`; resolves once it exited.
 * @param {import('node:child_process').ChildProcess} child
 * @param {{ ask?: () => void, graceMs?: number, group?: boolean }} [options]
 * @returns {Promise<void>}
 */
export function stopChild(child, options = {}) {
  const { graceMs = 5000, group = false } = options;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => signalChild(child, 'SIGKILL', group), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (options.ask) options.ask();
    else signalChild(child, 'SIGTERM', group);
  });
}

/**
 * Start a long-running process (stdout and stderr kept together), in a process group of its own.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, name?: string, graceMs?: number }} [options]
 */
export function startProcess(command, args, options = {}) {
  const { cwd, env = process.env, name = command, graceMs = 5000 } = options;
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: groups });
  let text = '';
  /** @type {Set<() => void>} */
  const listeners = new Set();
  const onData = (/** @type {Buffer} */ chunk) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const output = () => text;
  const stop = () => stopChild(child, { graceMs, group: groups });
  return {
    child,
    output,
    exited,
    stop,
    /**
     * Resolve with the first match of `pattern` in the output; reject if the process exits first.
     * @param {RegExp} pattern
     * @returns {Promise<RegExpExecArray>}
     */
    waitForOutput(pattern) {
      return new Promise((resolve, reject) => {
        const look = () => {
          const match = pattern.exec(text);
          if (!match) return;
          listeners.delete(look);
          resolve(match);
        };
        listeners.add(look);
        look();
        child.once('exit', (code) => reject(new Error(`${name} exited early (code ${code}):\n${text}`)));
      });
    },
    /**
     * Poll `url` until the process answers HTTP; throws (with the output) if it exits first, and
     * stops it and throws if it does not answer within `timeoutMs`.
     * @param {string} url
     * @param {{ timeoutMs?: number }} [waitOptions]
     * @returns {Promise<void>}
     */
    waitForHttp(url, waitOptions = {}) {
      const { timeoutMs = 60_000 } = waitOptions;
      return waitForHttp(url, {
        timeoutMs,
        check: () => {
          if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${text}`);
        },
        onTimeout: stop,
        describe: () => `${name} did not answer within ${timeoutMs / 1000} s:\n${text}`,
      });
    },
  };
}

/**
 * Run a process to its end and capture its output; with `timeoutMs`, send `timeoutSignal`
 * (default SIGKILL) if it is still running by then.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, timeoutSignal?: NodeJS.Signals }} [options]
 * @returns {Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string, output: string }>}
 */
export function runToExit(command, args, options = {}) {
  const { cwd, env = process.env, timeoutMs, timeoutSignal = 'SIGKILL' } = options;
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr.on('data', (/** @type {Buffer} */ chunk) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill(timeoutSignal), timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, output });
    });
  });
}

/**
 * Run a command synchronously; never throws for a failing exit. `output` is stdout and stderr
 * with ANSI colours stripped (tools colour their output when FORCE_COLOR asks for it).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [options]
 * @returns {{ status: number | null, stdout: string, stderr: string, output: string }}
 */
export function runCommand(command, args, options = {}) {
  const { cwd, env = process.env } = options;
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  return { status: result.status, stdout, stderr, output: stripAnsi(`${stdout}\n${stderr}`) };
}

/**
 * Text without ANSI colour codes.
 * @param {string} text
 * @returns {string}
 */
export function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/**
 * Whether the module at `moduleUrl` is the script node was started with (`node file.mjs`).
 * @param {string} moduleUrl `import.meta.url` of the caller
 * @returns {boolean}
 */
export function isMain(moduleUrl) {
  return Boolean(process.argv[1]) && fileURLToPath(moduleUrl) === process.argv[1];
}
