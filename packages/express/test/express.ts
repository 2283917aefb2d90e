/**
 * The Express under test, chosen by EXPRESS_MAJOR (set per vitest project): `express` (5) or
 * `express4` (npm alias of express@4). Tests build apps only through this helper.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

const require = createRequire(import.meta.url);
export const EXPRESS_MAJOR = process.env.EXPRESS_MAJOR === '4' ? '4' : '5';
const moduleName = EXPRESS_MAJOR === '4' ? 'express4' : 'express';

type ExpressFactory = typeof import('express');
export const express: ExpressFactory = require(moduleName);
/** The installed version of the Express under test, e.g. `4.22.1`. */
export const expressVersion: string = require(`${moduleName}/package.json`).version;

/** Listen on 127.0.0.1:0 and return the base URL and a closer. */
export async function listen(app: Express): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
