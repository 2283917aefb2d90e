// @ts-check
/**
 * The upstream every proxy forwards to: a minimal node:http server (not the fake Yandex, so
 * the upstream is cheap and identical for all candidates) answering a small JSON body with
 * keep-alive. Runs as a child process (its CPU is not charged to the proxy under test) and
 * listens on one port per candidate, so each candidate's connection pool is separate and its
 * TCP connections are counted exactly.
 *
 * IPC: sends `{ type: 'ready', ports }`; answers `{ type: 'stats' }` with
 * `{ type: 'stats', stats: { [name]: { connections, requests, maxOpen } } }`.
 */
import { createServer } from 'node:http';

const names = (process.argv[2] ?? '').split(',').filter(Boolean);
const BODY = Buffer.from(JSON.stringify({ self: 'https://api.tracker.yandex.net/v3/issues/TEST-1', id: '1', key: 'TEST-1', summary: 'Benchmark issue', status: { key: 'open' } }));

/** @type {Record<string, { connections: number, requests: number, open: number, maxOpen: number }>} */
const stats = {};
/** @type {import('node:http').Server[]} */
const servers = [];

async function main() {
  /** @type {Record<string, number>} */
  const ports = {};
  for (const name of names) {
    const counters = { connections: 0, requests: 0, open: 0, maxOpen: 0 };
    stats[name] = counters;
    const server = createServer((req, res) => {
      counters.requests++;
      req.resume();
      if (!req.headers.authorization) {
        res.writeHead(401, { 'content-length': 0 }).end();
        return;
      }
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': BODY.length, 'x-total-count': '1' });
        res.end(BODY);
      });
    });
    // Long keep-alive: idle pooled sockets survive the other candidates' rounds, so a
    // connection opened per round (or per request) shows up in the count.
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
    server.on('connection', (socket) => {
      counters.connections++;
      counters.open++;
      counters.maxOpen = Math.max(counters.maxOpen, counters.open);
      socket.on('close', () => counters.open--);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('upstream: no port');
    ports[name] = address.port;
    servers.push(server);
  }
  process.send?.({ type: 'ready', ports });
}

process.on('message', (message) => {
  const type = /** @type {{ type?: string }} */ (message)?.type;
  if (type === 'stats') process.send?.({ type: 'stats', stats });
  if (type === 'stop') {
    for (const server of servers) server.closeAllConnections();
    for (const server of servers) server.close();
    process.disconnect?.();
  }
});
// The parent went away: never outlive it.
process.on('disconnect', () => process.exit(0));

await main();
