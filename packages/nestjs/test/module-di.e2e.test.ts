import { Controller, Get, Inject, Injectable, Module, type ConfigurableModuleOptionsFactory, type DynamicModule } from '@nestjs/common';
import { oauthToken, type TrackerAuth } from '@tracker-auth/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InjectTrackerAuth,
  InjectTrackerClient,
  TrackerAuthModule,
  TrackerService,
  type TrackerAuthModuleOptions,
  type TrackerClient,
} from '../src/index.js';
import { startApp, useFake, type RunningApp } from './helpers.js';

const fake = useFake();
const optionsFor = (): TrackerAuthModuleOptions => ({
  credentials: oauthToken(fake().demo.oauthToken),
  org: { orgId: fake().demo.orgId },
  client: { trackerUrl: fake().url },
});

@Controller()
class TrackerController {
  // TrackerService is injected by its type: this needs the decorator metadata SWC emits.
  constructor(
    private readonly tracker: TrackerService,
    @InjectTrackerClient() private readonly client: TrackerClient,
    @InjectTrackerAuth() private readonly auth: TrackerAuth,
  ) {}

  @Get('me')
  me() {
    return this.tracker.verifyAccess();
  }

  @Get('queues')
  queues() {
    return this.client.get('queues').json();
  }

  @Get('headers')
  async headers() {
    const headers = await this.auth.headers();
    return { scheme: headers.Authorization.split(' ')[0], org: headers['X-Org-ID'], same: this.tracker.auth === this.auth };
  }
}

const CONFIG = Symbol('CONFIG');
@Module({ providers: [{ provide: CONFIG, useFactory: optionsFor }], exports: [CONFIG] })
class ConfigLikeModule {}

@Injectable()
class TrackerOptionsFactory implements ConfigurableModuleOptionsFactory<TrackerAuthModuleOptions, 'create'> {
  constructor(@Inject(CONFIG) private readonly config: TrackerAuthModuleOptions) {}
  create(): TrackerAuthModuleOptions {
    return this.config;
  }
}
@Module({ imports: [ConfigLikeModule], providers: [TrackerOptionsFactory], exports: [TrackerOptionsFactory] })
class OptionsFactoryModule {}

function appWith(tracker: DynamicModule, extra: { imports?: any[]; controllers?: any[] } = {}) {
  @Module({ imports: [tracker, ...(extra.imports ?? [])], controllers: extra.controllers ?? [TrackerController] })
  class AppModule {}
  return AppModule;
}

let running: RunningApp | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function expectWorking(app: RunningApp) {
  const me = await fetch(`${app.url}/me`);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ login: fake().demo.user.login });
  const queues = await fetch(`${app.url}/queues`);
  expect(((await queues.json()) as Array<{ key: string }>).map((q) => q.key)).toContain('TEST');
  expect(await (await fetch(`${app.url}/headers`)).json()).toEqual({ scheme: 'OAuth', org: fake().demo.orgId, same: true });
}

describe('TrackerAuthModule DI over a real listen(0)', () => {
  it('forRoot(options)', async () => {
    running = await startApp(appWith(TrackerAuthModule.forRoot(optionsFor())));
    await expectWorking(running);
  });

  it('forRootAsync({ imports, inject, useFactory })', async () => {
    running = await startApp(
      appWith(
        TrackerAuthModule.forRootAsync({
          imports: [ConfigLikeModule],
          inject: [CONFIG],
          useFactory: async (config: TrackerAuthModuleOptions) => config,
        }),
      ),
    );
    await expectWorking(running);
  });

  it('forRootAsync({ imports, useClass })', async () => {
    running = await startApp(appWith(TrackerAuthModule.forRootAsync({ imports: [ConfigLikeModule], useClass: TrackerOptionsFactory })));
    await expectWorking(running);
  });

  it('forRootAsync({ imports, useExisting })', async () => {
    running = await startApp(appWith(TrackerAuthModule.forRootAsync({ imports: [OptionsFactoryModule], useExisting: TrackerOptionsFactory })));
    await expectWorking(running);
  });
});

// A feature module that does NOT import TrackerAuthModule: it can only see TrackerService when
// the module is global.
@Injectable()
class QueueService {
  constructor(private readonly tracker: TrackerService) {}
  lead(key: string) {
    return this.tracker.client.get(`queues/${key}`).json<{ key: string; lead: { id: string } }>();
  }
}
@Controller('feature')
class FeatureController {
  constructor(private readonly queues: QueueService) {}
  @Get('queue')
  async queue() {
    return { key: (await this.queues.lead('TEST')).key };
  }
}
@Module({ providers: [QueueService], controllers: [FeatureController] })
class FeatureModule {}

describe('isGlobal', () => {
  const asyncModule = (isGlobal: boolean) =>
    TrackerAuthModule.forRootAsync({ isGlobal, imports: [ConfigLikeModule], inject: [CONFIG], useFactory: (c: TrackerAuthModuleOptions) => c });

  it('with forRootAsync, a feature module injects TrackerService without importing the module', async () => {
    running = await startApp(appWith(asyncModule(true), { imports: [FeatureModule], controllers: [] }));
    const res = await fetch(`${running.url}/feature/queue`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ key: 'TEST' });
  });

  it('with forRoot too', async () => {
    running = await startApp(appWith(TrackerAuthModule.forRoot({ ...optionsFor(), isGlobal: true }), { imports: [FeatureModule], controllers: [] }));
    expect(await (await fetch(`${running.url}/feature/queue`)).json()).toEqual({ key: 'TEST' });
  });

  it('without isGlobal the feature module cannot resolve TrackerService (the control)', async () => {
    await expect(startApp(appWith(asyncModule(false), { imports: [FeatureModule], controllers: [] }))).rejects.toThrow(/TrackerService/);
  });
});
