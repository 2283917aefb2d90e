/**
 * Entry point: `node dist/server.js`. Reads the environment (see config.ts), builds the app
 * (bad options stop the process here, with a message naming the fix) and listens.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isConfigurationError } from '@tracker-auth/core';
import { createApp } from './app.js';
import { configFromEnv, SampleConfigError } from './config.js';

function fail(error: unknown): never {
  if (error instanceof SampleConfigError || isConfigurationError(error)) {
    // These messages name a variable or option and never contain a secret value.
    console.error(`express-sample: cannot start: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

let app: ReturnType<typeof createApp>;
let config: ReturnType<typeof configFromEnv>;
try {
  config = configFromEnv(process.env);
  app = createApp(config);
} catch (error) {
  fail(error);
}

// Not `app.listen(port, cb)`: Express 5 calls that callback with the listen error too (a busy
// port), where server.address() is null. The 'listening' and 'error' events keep them apart.
const server = createServer(app);
server.once('listening', () => {
  const { port } = server.address() as AddressInfo;
  const url = process.env.APP_URL?.trim() || `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  console.log(`express-sample listening on ${url} (${config.mode === 'fake' ? 'fake Yandex' : 'Yandex'})`);
});
server.once('error', (error: NodeJS.ErrnoException) => {
  const where = `${config.host}:${config.port}`;
  const why =
    error.code === 'EADDRINUSE'
      ? `port ${config.port} is already in use on ${config.host} (another app, or an earlier run still going); stop it or set PORT to a free port, e.g. PORT=3001`
      : error.code === 'EACCES'
        ? `not allowed to listen on ${where}; use a port above 1023`
        : error.code === 'EADDRNOTAVAIL'
          ? `${config.host} is not an address of this machine; set HOST (default 127.0.0.1)`
          : `cannot listen on ${where}: ${error.message}`;
  console.error(`express-sample: cannot start: ${why}`);
  process.exit(1);
});
server.listen(config.port, config.host);

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
