// @ts-check
/** Child processes of the proxy benchmark (upstream, load generator), spoken to over IPC. */
import { fork } from 'node:child_process';

/**
 * Start `script` as a child with IPC and wait for its `{ type: 'ready' }` message.
 * @param {string} script @param {string[]} args
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, ready: any }>}
 */
export function startChild(script, args = []) {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (/** @type {number | null} */ code) => reject(new Error(`${script} exited early (${code})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve({ child, ready: message });
    });
  });
}

/**
 * Send `message` and resolve with the next message of type `expect` (reject on `error`).
 * @param {import('node:child_process').ChildProcess} child @param {object} message @param {string} expect
 * @returns {Promise<any>}
 */
export function ask(child, message, expect) {
  return new Promise((resolve, reject) => {
    const onMessage = (/** @type {any} */ reply) => {
      if (reply?.type === expect) {
        child.off('message', onMessage);
        resolve(reply);
      } else if (reply?.type === 'error') {
        child.off('message', onMessage);
        reject(new Error(String(reply.message)));
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/**
 * Ask a child to stop and wait for it to exit (killing it, by its own handle, after 2 s).
 * @param {import('node:child_process').ChildProcess} child
 */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  if (child.connected) child.send({ type: 'stop' });
  if (child.connected) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}
