/**
 * Parallel requests of one session during a rotation, made deterministic: the refresh engine
 * stores the new token set first and re-seals the session cookie after (`onRefresh`), and a
 * request arriving between the two must still answer with the rotated cookie. Here that window
 * is held open by hand, every time, instead of being hit by chance.
 *
 * - One instance (no `store`): the session's tokens live in a per-entry memory store that no
 *   option reaches, so the hold is on the sealing itself: the users cache is built as the flow
 *   builds it, with a `seal` that pauses the rotation's sealing until request B has read the
 *   stored tokens. The cache is internal, hence the direct import.
 *   Without the re-seal in `refreshIfDue` (a stored token newer than the sealed one), B answers
 *   with no cookie at all.
 * - Several instances (a shared `store`): the public flow, with a store whose write of the
 *   session's new tokens resolves only when released, so the engine waits before `onRefresh`.
 *   Here the entry's shared-store read (`sync`) re-seals what it finds as well, so this case
 *   fails only when both re-seals are gone.
 *
 * All refreshes are real HTTP calls to the fake Yandex in its default mode (same access token,
 * new refresh token: packages/testing README, "Refresh rotation").
 */
import { describe, expect, it } from 'vitest';
import { USER_TOKEN_MAX_AGE_MS } from '../../src/oauth/user-token-source.js';
import { createMemoryTokenStore } from '../../src/refresh/memory-store.js';
import { resolveRefreshOptions } from '../../src/refresh/refresh-policy.js';
import type { StoredToken, TokenStore } from '../../src/types.js';
import { sessionCookie, type SessionCookie } from '../../src/web/cookies.js';
import { createOAuthFlow, type OAuthFlow } from '../../src/web/oauth-flow.js';
import { createSessionCodec, type SessionPayload } from '../../src/web/session-codec.js';
import { createUserAuthCache, type UserAuth } from '../../src/web/user-auth.js';
import { flowOptions, SECRET, useFlowFake } from './flow-options.js';
import { signIn, withCookie } from './sign-in-helpers.js';

const MINUTE = 60 * 1000;
/** The fake's access tokens live a year. */
const TOKEN_LIFETIME_MS = 365 * 24 * 60 * MINUTE;
/** App clock inside the 5-minute refresh window before expiry: due, still valid. */
const DUE_SKEW = TOKEN_LIFETIME_MS - 2 * MINUTE;

const t = useFlowFake();
const codec = createSessionCodec(SECRET, 'sessionSecret', t.now);

/** A promise resolved by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { opened, open };
}

/** Signs in through a flow with the suite's secret; the cookie pair and the session it opens to. */
async function signedIn(flow: OAuthFlow): Promise<{ cookie: string; session: SessionPayload }> {
  const cookie = await signIn(flow);
  const session = await codec.openSession(cookie.slice(cookie.indexOf('=') + 1), t.now());
  expect(session.r).toBeDefined();
  // Count only the refreshes from here on (the sign-in spent one token call on the code).
  t.fake.calls.reset();
  return { cookie, session };
}

/** The value of the one session cookie a response sends; `who` names the response when it sends none. */
function onlyCookie(cookies: readonly SessionCookie[] | readonly string[], who: string): string {
  expect(cookies, `${who} sends the rotated session cookie`).toHaveLength(1);
  const [first] = cookies;
  return typeof first === 'string' ? first.slice(first.indexOf('=') + 1, first.indexOf(';')) : first!.value;
}

/** The refresh token a sealed session cookie opens to. */
const refreshTokenIn = async (sealed: string) => (await codec.openSession(sealed, t.now())).r;

describe('a request in the window between a refresh stored and its cookie sealed', () => {
  it('one instance: B, finding the stored rotation while A still seals it, answers with the rotated cookie too', async () => {
    const { cookie, session } = await signedIn(createOAuthFlow(flowOptions(t.fake, t.app, t.now)));
    const sealing = gate<SessionPayload>();
    const release = gate();
    let held = false;
    // As the flow resolves it: user tokens are refreshed by age after 90 days.
    const policy = { ...resolveRefreshOptions({ now: t.now }), maxAgeMs: USER_TOKEN_MAX_AGE_MS };
    const users = createUserAuthCache({
      org: { orgId: t.fake.demo.orgId },
      oauth: { ...t.app, oauthUrl: t.fake.url },
      policy,
      // The flow's seal, except that the first sealing of a rotated refresh token (A's `onRefresh`,
      // which runs only once the engine has stored the new tokens) waits for the test.
      seal: async (payload) => {
        if (!held && payload.r !== session.r) {
          held = true;
          sealing.open(payload);
          await release.opened;
        }
        return codec.sealSession(payload);
      },
      cookie: (_request, sealed) => sessionCookie('tracker_session', sealed, { httpOnly: true }),
      clearCookie: () => sessionCookie('tracker_session', '', { maxAge: 0 }),
    });
    // The entry exists and is warm (a first request with a fresh token): B finds it in memory.
    expect((await users.forSession(session, withCookie(cookie))).cookies).toEqual([]);

    t.skew = DUE_SKEW;
    // What each response sends is read the moment its request is served, as `refreshSession`
    // and the adapters do (`UserAuth.cookies` is a getter: read later, it would show A's sealing).
    const answer = (user: UserAuth) => [...user.cookies];
    const a = users.forSession(session, withCookie(cookie)).then(answer);
    const rotated = await sealing.opened;
    // The refresh happened and is stored; A is now inside `onRefresh`, its cookie not sealed yet.
    expect(t.fake.calls.count('oauth.token')).toBe(1);
    expect(rotated.r).not.toBe(session.r);

    const b = users.forSession(session, withCookie(cookie)).then(answer);
    // B's way to the store is all in memory (entry cached, session already opened, memory store):
    // no I/O, only promise jobs, so one macrotask turn lets it read the stored tokens and either
    // answer (it found the token fresh and nothing to send) or wait for the sealing in progress.
    await new Promise<void>((resolve) => setImmediate(resolve));
    release.open();

    const [cookieA, cookieB] = [onlyCookie(await a, "A's answer"), onlyCookie(await b, "B's answer")];
    expect(await refreshTokenIn(cookieA)).toBe(rotated.r);
    expect(await refreshTokenIn(cookieB)).toBe(rotated.r);
    // One refresh for both requests: B took A's rotation instead of spending the old token again.
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });

  it('shared store: B, reading the stored rotation before the engine re-seals it, answers with the rotated cookie too', async () => {
    // Signed in on another instance (same secret): its cookie opens on every instance.
    const { cookie, session } = await signedIn(createOAuthFlow(flowOptions(t.fake, t.app, t.now)));
    const oldRefreshToken = session.r;
    const inner = createMemoryTokenStore();
    const written = gate<string>();
    const readAfterWrite = gate();
    const release = gate();
    /** The key the engine seeded with the signed-in tokens: the session's own key. */
    let sessionKey: string | undefined;
    let heldKey: string | undefined;
    // A real TokenStore: every write lands at once; the write of the session's rotated tokens
    // then resolves only when the test releases it, so the engine waits before `onRefresh`.
    const store: TokenStore = {
      get(key) {
        if (key === heldKey) readAfterWrite.open();
        return inner.get(key);
      },
      async set(key: string, value: StoredToken) {
        inner.set(key, value);
        if (sessionKey === undefined && value.refreshToken === oldRefreshToken) sessionKey = key;
        if (heldKey === undefined && key === sessionKey && value.refreshToken !== oldRefreshToken) {
          heldKey = key;
          written.open(value.refreshToken!);
          await release.opened;
        }
      },
      delete: (key) => inner.delete(key),
    };
    const flow = createOAuthFlow(flowOptions(t.fake, t.app, t.now, { store }));
    expect((await flow.refreshSession(withCookie(cookie))).cookies).toEqual([]);
    expect(sessionKey).toBeDefined();

    t.skew = DUE_SKEW;
    const a = flow.refreshSession(withCookie(cookie));
    const rotated = await written.opened;
    expect(rotated).not.toBe(session.r);
    expect(t.fake.calls.count('oauth.token')).toBe(1);

    const b = flow.userAuth(withCookie(cookie));
    // B has read the session's key and found the rotated tokens the engine has not re-sealed yet.
    await readAfterWrite.opened;
    // B answers while A is still held: its cookies are read now, as its response would send them.
    const cookiesB = [...(await b).cookies];
    release.open();
    const { cookies: cookiesA } = await a;

    expect(await refreshTokenIn(onlyCookie(cookiesB, "B's answer"))).toBe(rotated);
    expect(await refreshTokenIn(onlyCookie(cookiesA, "A's answer"))).toBe(rotated);
    expect(t.fake.calls.count('oauth.token')).toBe(1);
  });
});
