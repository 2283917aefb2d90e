// An ESM Nest app in plain JavaScript (decorators applied as functions, no build step) that
// imports the built @tracker-auth/nestjs by package name. Started by ../esm-consumer.test.ts.
import 'reflect-metadata';
import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { oauthToken } from '@tracker-auth/core';
import { TrackerAuthModule, TrackerService } from '@tracker-auth/nestjs';

class MeController {
  constructor(tracker) {
    this.tracker = tracker;
  }
  me() {
    return this.tracker.verifyAccess();
  }
}
Inject(TrackerService)(MeController, undefined, 0);
Get('me')(MeController.prototype, 'me', Object.getOwnPropertyDescriptor(MeController.prototype, 'me'));
Controller()(MeController);

class AppModule {}
Module({
  imports: [
    TrackerAuthModule.forRootAsync({
      isGlobal: true,
      useFactory: () => ({
        credentials: oauthToken(process.env.TRACKER_OAUTH_TOKEN),
        org: { orgId: process.env.TRACKER_ORG_ID },
        client: { trackerUrl: process.env.TRACKER_API_URL },
      }),
    }),
  ],
  controllers: [MeController],
})(AppModule);

try {
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  console.log(`resolved ${import.meta.resolve('@tracker-auth/nestjs')}`);
  console.log(`listening on http://127.0.0.1:${port}`);
} catch (error) {
  console.error(`esm-consumer: ${error.name} (${error.field ?? '-'}): ${error.message}`);
  process.exit(1);
}
