import type { AddressInfo } from 'node:net';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { freePort } from '@tracker-auth-tools/test-harness';
import type { TrackerAuthUserOptions } from '../src/index.js';
import { afterAll, beforeAll } from 'vitest';

/** All Set-Cookie values of a response, name=value parts only. */
export { cookiesOf } from '@tracker-auth-tools/test-harness';

/** A Nest app listening on 127.0.0.1:0, and its base URL. */
export interface RunningApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** The HTTP platform of this test project (vitest.config.ts runs every suite on both). */
export const platform: 'express' | 'fastify' = process.env.NEST_PLATFORM === 'fastify' ? 'fastify' : 'express';

/** `NestFactory.create()` on this project's platform (Express, or Fastify through its adapter). */
export async function createApp(module: unknown, options: NestApplicationOptions = {}): Promise<INestApplication> {
  const settings = { logger: false as const, abortOnError: false, ...options };
  if (platform === 'express') return NestFactory.create(module as never, settings);
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(module as never, new FastifyAdapter(), settings);
}

/**
 * Create the app the way a real one boots (no test module), then listen on `listenOn` (default:
 * a free port; pass one from `freePort()` when the module's options must name the app URL).
 */
export async function startApp(module: unknown, listenOn = 0): Promise<RunningApp> {
  const app = await createApp(module);
  await app.listen(listenOn, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A fresh fake Yandex for the file; `fake()` reads it inside tests. */
export function useFake(): () => FakeYandex {
  let fake: FakeYandex | undefined;
  beforeAll(async () => {
    fake = await startFakeYandex();
  });
  afterAll(async () => {
    await fake?.close();
  });
  return () => {
    if (!fake) throw new Error('fake not started');
    return fake;
  };
}

/** Where a user-mode app listens, and the `user` options of a module signing in there. */
export interface UserModeApp {
  listenPort: number;
  /** `http://127.0.0.1:<listenPort>` */
  url: string;
  /** `createOAuthFlow` options of an OAuth app registered at the fake for `<url>/auth/callback`. */
  user: TrackerAuthUserOptions;
}

/**
 * A free port on 127.0.0.1 and an OAuth app registered at `fake` for its `/auth/callback`, for a
 * module whose options must name the app's own URL (`redirectUri`, `baseUrl`).
 */
export async function userModeApp(fake: FakeYandex, sessionSecret: string): Promise<UserModeApp> {
  const listenPort = await freePort('127.0.0.1');
  const url = `http://127.0.0.1:${listenPort}`;
  const registered = fake.oauth.registerApp({ redirectUris: [`${url}/auth/callback`] });
  const user = { clientId: registered.clientId, clientSecret: registered.clientSecret!, redirectUri: `${url}/auth/callback`, sessionSecret, oauthUrl: fake.url };
  return { listenPort, url, user };
}
