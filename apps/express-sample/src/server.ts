/**
 * Entry point: `node dist/server.js`. Reads the environment (see config.ts), builds the app
 * (bad options stop the process here, with a message naming the fix) and listens.
 */
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

const server = app.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  const url = process.env.APP_URL?.trim() || `http://${config.host}:${port}`;
  console.log(`express-sample listening on ${url} (${config.mode === 'fake' ? 'fake Yandex' : 'Yandex'})`);
});
server.on('error', (error) => {
  console.error(`express-sample: cannot listen on ${config.host}:${config.port}: ${error.message}`);
  process.exit(1);
});

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
