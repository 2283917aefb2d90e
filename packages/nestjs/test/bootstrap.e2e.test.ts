import { Module, type DynamicModule } from '@nestjs/common';
import { iamToken, isConfigurationError, oauthToken } from '@tracker-auth/core';
import { describe, expect, it } from 'vitest';
import { TrackerAuthModule, type TrackerAuthModuleExtras, type TrackerAuthModuleOptions } from '../src/index.js';
import { createApp } from './helpers.js';

const TOKEN = 'y0_never-in-a-message-0123456789';
const SECRET = 'client-secret-never-in-a-message';
const good = (): TrackerAuthModuleOptions => ({ credentials: oauthToken(TOKEN), org: { orgId: '1234567' } });
const user = {
  clientId: 'app',
  clientSecret: SECRET,
  redirectUri: 'http://127.0.0.1:3000/auth/callback',
  sessionSecret: 'a-session-secret-of-at-least-32-bytes!',
};

function appWith(tracker: DynamicModule) {
  @Module({ imports: [tracker] })
  class AppModule {}
  return AppModule;
}

/** Boot like a real app would; resolve with the error bootstrap failed with. */
async function bootstrapError(options: unknown, extras: TrackerAuthModuleExtras = {}, style: 'sync' | 'async' = 'sync'): Promise<unknown> {
  const tracker =
    style === 'sync'
      ? TrackerAuthModule.forRoot({ ...(options as TrackerAuthModuleOptions), ...extras })
      : TrackerAuthModule.forRootAsync({ ...extras, useFactory: async () => options as TrackerAuthModuleOptions });
  try {
    const app = await createApp(appWith(tracker));
    await app.close();
  } catch (error) {
    return error;
  }
  throw new Error('bootstrap succeeded');
}

const cases: Array<[string, string, unknown, TrackerAuthModuleExtras?]> = [
  ['credentials', 'neither credentials nor user', { org: { orgId: '1234567' } }],
  ['credentials', 'a raw string instead of a token source', { ...good(), credentials: TOKEN }],
  ['org', 'no org', { ...good(), org: undefined }],
  ['org', 'both org ids', { ...good(), org: { orgId: '1234567', cloudOrgId: 'bpf3crucp1v2mm2uxwzz' } }],
  ['org', 'an IAM token with a Yandex 360 orgId', { ...good(), credentials: iamToken('t1.abc') }],
  ['trackerUrl', 'client.trackerUrl not a URL', { ...good(), client: { trackerUrl: 'not a url' } }],
  ['timeoutMs', 'negative client.timeoutMs', { ...good(), client: { timeoutMs: -1 } }],
  ['retry.limit', 'fractional client.retry.limit', { ...good(), client: { retry: { limit: 1.5 } } }],
  ['sessionSecret', 'short user.sessionSecret', { ...good(), user: { ...user, sessionSecret: 'short' } }],
  ['redirectUri', 'relative user.redirectUri', { ...good(), user: { ...user, redirectUri: '/relative' } }],
  ['clientId', 'empty user.clientId (user mode only)', { org: { orgId: '1234567' }, user: { ...user, clientId: '' } }],
  ['baseUrl', 'baseUrl not a URL', { ...good(), baseUrl: 'nope' }],
  ['trustProxy', 'trustProxy not a boolean', { ...good(), trustProxy: 'yes' }],
  ['options', 'no options object', undefined],
  ['user', 'signInRoutes without user', good(), { signInRoutes: true }],
];

describe('bootstrap fails with ConfigurationError on bad options', () => {
  for (const style of ['sync', 'async'] as const) {
    for (const [field, label, options, extras] of cases) {
      if (style === 'sync' && options === undefined) continue; // forRoot(undefined) is a type error anyway
      it(`${style === 'sync' ? 'forRoot' : 'forRootAsync'}: ${label} → ${field}`, async () => {
        const error = await bootstrapError(options, extras, style);
        expect(isConfigurationError(error)).toBe(true);
        const config = error as { field: string; message: string };
        expect(config.field).toBe(field);
        expect(config.message).toMatch(field.split('.').pop()!);
        expect(config.message).not.toContain(TOKEN);
        expect(config.message).not.toContain(SECRET);
      });
    }
  }

  it('a bad signInRoutes path fails when the module is defined', () => {
    let error: unknown;
    try {
      TrackerAuthModule.forRoot({ ...good(), user, signInRoutes: '../up' });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error) && error.field).toBe('signInRoutes');
  });

  it.each(['auth/:id', 'auth/*rest', 'auth(x)', 'auth/{x}', 'a b', '/'])('signInRoutes %j (route syntax or no path) fails when the module is defined', (path) => {
    let error: unknown;
    try {
      TrackerAuthModule.forRoot({ ...good(), user, signInRoutes: path });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error) && error.field).toBe('signInRoutes');
    expect((error as Error).message).toContain('route path such as');
  });

  it('good options boot (the control)', async () => {
    const app = await createApp(appWith(TrackerAuthModule.forRoot({ ...good(), user, signInRoutes: true })));
    await app.close();
  });
});
