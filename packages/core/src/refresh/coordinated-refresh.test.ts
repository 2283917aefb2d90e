import { describe, expect, it, vi } from 'vitest';
import type { StoredToken, TokenStore, TokenStoreLock } from '../types.js';
import { createRefreshingTokenSource } from './engine.js';

/** A shared store with the optional lock, in memory: what a Redis store does, without Redis. */
function lockableStore(options: { failLock?: boolean } = {}) {
  const values = new Map<string, { value: StoredToken; fence: number }>();
  const locks = new Map<string, { owner: number; until: number }>();
  let fences = 0;
  let owners = 0;
  const store: TokenStore & { lock: NonNullable<TokenStore['lock']> } = {
    get: (key) => values.get(key)?.value,
    set: (key, value) => {
      values.set(key, { value, fence: fences });
    },
    delete: (key) => {
      values.delete(key);
    },
    async lock(key, { ttlMs }) {
      if (options.failLock) throw new Error('store unreachable');
      const held = locks.get(key);
      if (held && held.until > Date.now()) return undefined;
      const owner = ++owners;
      const fence = ++fences;
      locks.set(key, { owner, until: Date.now() + ttlMs });
      const lock: TokenStoreLock = {
        fence,
        async set(value) {
          if ((values.get(key)?.fence ?? 0) > fence) return false;
          values.set(key, { value, fence });
          return true;
        },
        async release() {
          if (locks.get(key)?.owner === owner) locks.delete(key);
        },
      };
      return lock;
    },
  };
  return store;
}

const hour = 3_600_000;
const expired = (): StoredToken => ({ token: 'old', kind: 'iam', issuedAt: Date.now() - 2 * hour, expiresAt: Date.now() - 1 });

describe('refresh through a store with a lock', () => {
  it('three engines sharing the store, 50 callers each, expired token: one upstream call, one token for all', async () => {
    const store = lockableStore();
    store.set('iam:shared', expired());
    let calls = 0;
    const fetchToken = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { token: `new-${calls}`, kind: 'iam' as const, issuedAt: Date.now(), expiresAt: Date.now() + hour };
    };
    const engines = [1, 2, 3].map(() => createRefreshingTokenSource({ id: 'iam:shared', kind: 'iam', store, fetchToken }));
    const tokens = await Promise.all(engines.flatMap((engine) => Array.from({ length: 50 }, () => engine.getToken())));
    expect(calls).toBe(1);
    expect(new Set(tokens.map((t) => t.token))).toEqual(new Set(['new-1']));
  });

  it('a holder that never finishes: the waiter takes over once the lock expires', async () => {
    const store = lockableStore();
    store.set('iam:stuck', expired());
    let calls = 0;
    const hang = createRefreshingTokenSource({
      id: 'iam:stuck',
      kind: 'iam',
      store,
      refresh: { timeoutMs: 150, retries: 0 },
      fetchToken: () => {
        calls++;
        return new Promise<never>(() => undefined);
      },
    });
    const waiter = createRefreshingTokenSource({
      id: 'iam:stuck',
      kind: 'iam',
      store,
      refresh: { timeoutMs: 150 },
      fetchToken: async () => {
        calls++;
        return { token: 'taken-over', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour };
      },
    });
    void hang.getToken().catch(() => undefined);
    await Promise.resolve();
    const started = Date.now();
    expect((await waiter.getToken()).token).toBe('taken-over');
    // The lock lives 2 × timeoutMs (300 ms); the waiter got it within that plus a poll.
    expect(Date.now() - started).toBeLessThan(300 + 250 + 200);
    expect(calls).toBe(2);
  });

  it('a store that cannot lock (unreachable): the engine refreshes locally', async () => {
    const store = lockableStore({ failLock: true });
    store.set('iam:down', expired());
    const source = createRefreshingTokenSource({
      id: 'iam:down',
      kind: 'iam',
      store,
      fetchToken: async () => ({ token: 'local', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour }),
    });
    expect((await source.getToken()).token).toBe('local');
    expect(store.get('iam:down')).toMatchObject({ token: 'local' });
  });

  it('invalidate() racing another instance\'s refresh never marks the newer token expired', async () => {
    const store = lockableStore();
    store.set('iam:race', { token: 'old', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour });
    let calls = 0;
    const fetchToken = async () => {
      calls++;
      return { token: `new-${calls}`, kind: 'iam' as const, issuedAt: Date.now(), expiresAt: Date.now() + hour };
    };
    const b = createRefreshingTokenSource({ id: 'iam:race', kind: 'iam', store, fetchToken });
    // A's store reads are slow: while A reads 'old' for its invalidate(), B refreshes and stores new-1.
    let race: (() => Promise<unknown>) | undefined;
    const slowReads: typeof store = {
      ...store,
      async get(key) {
        const value = store.get(key);
        const during = race;
        race = undefined;
        if (during) await during();
        return value;
      },
    };
    const a = createRefreshingTokenSource({ id: 'iam:race', kind: 'iam', store: slowReads, fetchToken });
    race = () => b.getToken({ forceRefresh: true });
    expect(await a.invalidate('old')).toBe(true);
    expect(store.get('iam:race')).toMatchObject({ token: 'new-1' });
    expect((await a.getToken()).token).toBe('new-1');
    expect((await b.getToken()).token).toBe('new-1');
    expect(calls).toBe(1);
  });

  it('invalidate() while another instance holds the lock (refreshing): no write, and getToken() adopts its token', async () => {
    const store = lockableStore();
    store.set('iam:busy', { token: 'old', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour });
    let finish: () => void = () => undefined;
    const refresher = createRefreshingTokenSource({
      id: 'iam:busy',
      kind: 'iam',
      store,
      fetchToken: async () => {
        await new Promise<void>((resolve) => (finish = resolve));
        return { token: 'from-holder', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour };
      },
    });
    let calls = 0;
    const a = createRefreshingTokenSource({
      id: 'iam:busy',
      kind: 'iam',
      store,
      fetchToken: async () => {
        calls++;
        return { token: 'from-a', kind: 'iam', issuedAt: Date.now(), expiresAt: Date.now() + hour };
      },
    });
    const holding = refresher.getToken({ forceRefresh: true });
    await vi.waitFor(() => expect(store.lock('iam:busy', { ttlMs: 1 })).resolves.toBeUndefined());
    expect(await a.invalidate('old')).toBe(true);
    expect(store.get('iam:busy')).toMatchObject({ token: 'old' }); // the holder's write decides
    const waiting = a.getToken(); // 'old' was rejected here: a waits for the holder's token
    finish();
    expect((await holding).token).toBe('from-holder');
    expect((await waiting).token).toBe('from-holder');
    expect(calls).toBe(0);
  });

  it('a store whose lock is not a function is refused at construction', () => {
    const store = { ...lockableStore(), lock: 'yes' } as unknown as TokenStore;
    expect(() => createRefreshingTokenSource({ id: 'x', kind: 'iam', store, fetchToken: async () => ({ token: 't', kind: 'iam' }) })).toThrow(/`store\.lock` must be a function/);
  });
});
