import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createTrackerAuth } from './auth.js';
import { ConfigurationError } from './errors.js';
import { createRefreshingTokenSource } from './refresh/engine.js';
import { createMemoryTokenStore } from './refresh/memory-store.js';
import { iamFromMetadata } from './tokens/iam-from-metadata.js';
import { iamToken, oauthToken } from './tokens/static-tokens.js';
import type { StoredToken, TokenSource } from './types.js';

const SECRET = 'y0_AgAAAAAsecretsecretsecret';

/** A counting in-process source: every fetch mints a new token. */
function countingSource(kind: 'oauth' | 'iam' = 'oauth') {
  let n = 0;
  const invalidated: Array<string | undefined> = [];
  const clock = { t: 1_700_000_000_000 };
  const engine = createRefreshingTokenSource({
    id: `${kind}:counting`,
    kind,
    refresh: { now: () => clock.t },
    fetchToken: async ({ now }): Promise<StoredToken> => ({ token: `${kind}-token-${++n}`, kind, issuedAt: now(), expiresAt: now() + 3_600_000 * 12 }),
  });
  const source: TokenSource = {
    id: engine.id,
    kind,
    getToken: engine.getToken,
    invalidate: async (token) => {
      invalidated.push(token);
      await engine.invalidate(token);
    },
  };
  return { source, invalidated, fetches: () => n, clock };
}

describe('createTrackerAuth', () => {
  it('builds OAuth + X-Org-ID headers', async () => {
    const auth = createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1234567' } });
    expect({ ...(await auth.headers()) }).toEqual({ Authorization: `OAuth ${SECRET}`, 'X-Org-ID': '1234567' });
    expect(auth.org).toEqual({ orgId: '1234567' });
  });

  it('builds Bearer + X-Cloud-Org-ID headers for IAM tokens', async () => {
    const auth = createTrackerAuth({ credentials: iamToken('t1.abc-def'), org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' } });
    expect({ ...(await auth.headers()) }).toEqual({ Authorization: 'Bearer t1.abc-def', 'X-Cloud-Org-ID': 'bpf3crucp1v2mm2uxwzz' });
  });

  it('returns the same frozen header object while the token is unchanged, a new one after a refresh', async () => {
    const { source } = countingSource();
    const auth = createTrackerAuth({ credentials: source, org: { orgId: '42' } });
    const a = await auth.headers();
    const b = await auth.headers();
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    await auth.invalidate(a.Authorization);
    const c = await auth.headers();
    expect(c).not.toBe(a);
    expect(c.Authorization).toBe('OAuth oauth-token-2');
  });

  it('headers work with fetch/Headers', async () => {
    const auth = createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1' } });
    const headers = new Headers(await auth.headers() as Record<string, string>);
    expect(headers.get('authorization')).toBe(`OAuth ${SECRET}`);
  });

  it('invalidate() passes the token of an Authorization value, and ignores values it did not produce', async () => {
    const { source, invalidated, fetches } = countingSource();
    const auth = createTrackerAuth({ credentials: source, org: { orgId: '42' } });
    const first = await auth.headers();
    await auth.invalidate('Basic abc');
    await auth.invalidate('OAuth some-older-token');
    expect((await auth.headers()).Authorization).toBe(first.Authorization);
    await Promise.all(Array.from({ length: 20 }, () => auth.invalidate(first.Authorization)));
    await Promise.all(Array.from({ length: 20 }, () => auth.headers()));
    expect(fetches()).toBe(2);
    await auth.invalidate();
    expect(invalidated).toEqual(['some-older-token', ...Array(20).fill('oauth-token-1'), undefined]);
  });

  it('never prints the token', async () => {
    const auth = createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1' } });
    const headers = await auth.headers();
    for (const value of [auth, auth.credentials, headers]) {
      expect(JSON.stringify(value)).not.toContain(SECRET);
      expect(inspect(value, { depth: 8 })).not.toContain(SECRET);
    }
    expect(JSON.parse(JSON.stringify(auth))).toEqual({ org: { orgId: '1' }, credentials: { id: auth.credentials.id, kind: 'oauth' } });
  });

  it('applies store and refresh to token sources of this library', async () => {
    const store = createMemoryTokenStore();
    const auth = createTrackerAuth({
      credentials: iamFromMetadata({ metadataUrl: 'http://127.0.0.1:9', refresh: { retries: 0 } }),
      org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' },
      store,
      refresh: { timeoutMs: 50 },
    });
    await store.set(auth.credentials.id, { token: 't1.from-shared-store', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 * 12 });
    expect((await auth.headers()).Authorization).toBe('Bearer t1.from-shared-store');
    // Static tokens take the options without complaint: there is nothing to refresh.
    expect(() => createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1' }, store })).not.toThrow();
    const staticAuth = createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1' }, store });
    expect((await staticAuth.headers()).Authorization).toBe(`OAuth ${SECRET}`);
  });

  it("passes store, refresh and onEvent through the source's own withDefaults(), the source's own values winning", async () => {
    const own = createMemoryTokenStore();
    const shared = createMemoryTokenStore();
    const auth = createTrackerAuth({
      credentials: iamFromMetadata({ metadataUrl: 'http://127.0.0.1:9', store: own, refresh: { retries: 0 } }),
      org: { cloudOrgId: 'bpf3crucp1v2mm2uxwzz' },
      store: shared,
      refresh: { timeoutMs: 50 },
    });
    await own.set(auth.credentials.id, { token: 't1.from-own-store', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
    await shared.set(auth.credentials.id, { token: 't1.from-shared-store', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + 3_600_000 });
    expect((await auth.headers()).Authorization).toBe('Bearer t1.from-own-store');

    // A custom source takes part by implementing the same method.
    const received: unknown[] = [];
    const custom = countingSource().source;
    const configured = countingSource().source;
    const onEvent = () => undefined;
    const customAuth = createTrackerAuth({
      credentials: { ...custom, withDefaults: (defaults) => (received.push(defaults), configured) },
      org: { orgId: '1' },
      store: shared,
      refresh: { retries: 1 },
      onEvent,
    });
    expect(received).toEqual([{ store: shared, refresh: { retries: 1 }, onEvent }]);
    expect(customAuth.credentials).toBe(configured);
    // The observer stays visible on the auth, where clients built on it find it.
    expect(customAuth.onEvent).toBe(onEvent);
  });

  describe('validates at construction', () => {
    const cases: Array<[string, () => unknown, string, string]> = [
      ['no options', () => createTrackerAuth(undefined as never), 'options', 'INVALID_OPTION'],
      ['a string as credentials', () => createTrackerAuth({ credentials: SECRET as never, org: { orgId: '1' } }), 'credentials', 'INVALID_OPTION'],
      ['an object that is not a source', () => createTrackerAuth({ credentials: { token: SECRET } as never, org: { orgId: '1' } }), 'credentials', 'INVALID_OPTION'],
      ['no org', () => createTrackerAuth({ credentials: oauthToken(SECRET), org: undefined as never }), 'org', 'INVALID_ORG'],
      ['both org kinds', () => createTrackerAuth({ credentials: oauthToken(SECRET), org: { orgId: '1', cloudOrgId: 'bpf3crucp1v2mm2uxwzz' } as never }), 'org', 'INVALID_ORG'],
      ['IAM with a Yandex 360 org', () => createTrackerAuth({ credentials: iamToken('t1.x'), org: { orgId: '1' } }), 'org', 'INVALID_ORG'],
      [
        'store for a custom source',
        () => createTrackerAuth({ credentials: countingSource().source, org: { orgId: '1' }, store: createMemoryTokenStore() }),
        'store',
        'INVALID_OPTION',
      ],
    ];
    for (const [name, run, field, code] of cases) {
      it(name, () => {
        let error: unknown;
        try {
          run();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConfigurationError);
        expect(error).toMatchObject({ field, code });
        expect(String((error as Error).message)).not.toContain(SECRET);
      });
    }
  });
});
