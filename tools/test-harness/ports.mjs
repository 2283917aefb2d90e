// Ports and readiness: a free port to hand a server before it starts, and polling until it answers.
import { connect, createServer } from 'node:net';

/**
 * A TCP port on `host` that was free a moment ago (servers that need their own URL before they
 * start, for a redirect_uri or `next start -p`).
 * @param {string} [host]
 * @returns {Promise<number>}
 */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` distinct TCP ports on `host`, free a moment ago. All are held open until every one is
 * known, so the system cannot hand the same port out twice (calling {@link freePort} twice can).
 * @param {number} count
 * @param {string} [host]
 * @returns {Promise<number[]>}
 */
export async function freePorts(count, host = '127.0.0.1') {
  /** @type {import('node:net').Server[]} */
  const servers = [];
  try {
    /** @type {number[]} */
    const ports = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(
        await new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, host, () => {
            const address = server.address();
            resolve(typeof address === 'object' && address ? address.port : 0);
          });
        }),
      );
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Poll `url` until any HTTP answer arrives (the status is the caller's business).
 * @param {string} url
 * @param {{ timeoutMs?: number, intervalMs?: number, requestTimeoutMs?: number, check?: () => void, onTimeout?: () => Promise<void> | void, describe?: () => string }} [options]
 * @returns {Promise<void>}
 */
export async function waitForHttp(url, options = {}) {
  const { timeoutMs = 60_000, intervalMs = 250, requestTimeoutMs = 5000, check, onTimeout, describe } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    check?.();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs) });
      await response.body?.cancel();
      return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await onTimeout?.();
      throw new Error(describe ? describe() : `${url} did not answer within ${timeoutMs / 1000} s`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Poll until a TCP connection to `host:port` succeeds.
 * @param {number} port
 * @param {{ host?: string, timeoutMs?: number, intervalMs?: number }} [options]
 * @returns {Promise<void>}
 */
export async function waitForPort(port, options = {}) {
  const { host = '127.0.0.1', timeoutMs = 60_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${timeoutMs / 1000} s`);
    await sleep(intervalMs);
  }
}
