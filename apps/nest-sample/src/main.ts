/**
 * nest-sample: `node dist/main.js`. Against the embedded fake Yandex unless Tracker credentials
 * are in the environment (see config.ts). Bad configuration stops the process at start with
 * core's ConfigurationError message (which never holds a secret) and exit code 1.
 * `NEST_PLATFORM=fastify` serves it on `@nestjs/platform-fastify` instead of Express.
 */
import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isConfigurationError } from '@tracker-auth/core';
import { AppModule } from './app.module';
import { appUrlOf, hasTrackerCredentials } from './config';
import { startEmbeddedFake, type EmbeddedFake } from './embedded-fake';

/** Express (the default) or Fastify, as `NEST_PLATFORM` says; the app itself is the same on both. */
async function createApp(module: unknown, platform: string, options: NestApplicationOptions): Promise<INestApplication> {
  if (platform === 'express') return NestFactory.create(module as never, options);
  if (platform !== 'fastify') throw new Error(`NEST_PLATFORM must be "express" or "fastify", got "${platform}".`);
  // Loaded only when asked for: an Express deployment needs no Fastify installed.
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(module as never, new FastifyAdapter(), options);
}

async function main(): Promise<void> {
  const env = process.env;
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = Number(env.PORT?.trim() || 3000);
  const appUrl = appUrlOf(env);
  const embedded: EmbeddedFake | undefined = hasTrackerCredentials(env) ? undefined : await startEmbeddedFake(appUrl);
  const signIn = Boolean(embedded ?? env.YANDEX_CLIENT_ID?.trim());

  const platform = env.NEST_PLATFORM?.trim() || 'express';
  const app = await createApp(AppModule.register({ defaults: embedded?.defaults, signIn }), platform, { abortOnError: false });
  app.enableShutdownHooks();
  if (embedded) app.getHttpServer().once('close', () => void embedded.fake.close());
  await app.listen(port, host);
  // Name the Tracker the app really talks to: TRACKER_API_URL may point at a fake or a proxy.
  const trackerUrl = env.TRACKER_API_URL?.trim();
  const upstream = embedded ? `the embedded fake Yandex at ${embedded.fake.url}` : trackerUrl ? trackerUrl : 'Yandex';
  console.log(`nest-sample listening on ${appUrl} (${platform}; Tracker: ${upstream}; sign-in ${signIn ? 'on' : 'off'})`);
}

main().catch((error: unknown) => {
  if (isConfigurationError(error)) {
    console.error(`nest-sample: bad configuration (${error.field}): ${error.message}`);
  } else {
    console.error('nest-sample: failed to start:', error instanceof Error ? error.message : String(error));
  }
  process.exit(1);
});
