/**
 * One signed-in session's token state inside the sign-in flow: the refresh engine over its
 * tokens, the newest token set (`current`) and that set sealed for the browser.
 *
 * Rotation is tracked by the whole token set, refresh token first: Yandex may answer a refresh
 * with the same access token and a new refresh token (docs/yandex-api.md 2.3), and the browser must
 * get that new refresh token, or its cookie is dead at the next refresh.
 *
 * With a shared {@link TokenStore}, the store maps `oauth:user:sha256:<SHA-256 of a refresh
 * token>` to the newest token set descending from it. Each refresh also writes that "forward
 * link" for the refresh token it spent, so a browser or an instance still holding a spent
 * refresh token finds its successor instead of replaying it. A refresh refused because another
 * instance spent the same refresh token a moment earlier waits briefly for that instance's
 * answer to appear in the store and adopts it, so racing instances never lose the session.
 */
import { createTrackerAuth } from '../auth.js';
import { isSignInRequiredError, SignInRequiredError } from '../errors.js';
import { emitEvent, type TrackerAuthEventHandler } from '../events.js';
import { sleep } from '../http/upstream.js';
import { noRefreshToken, refreshUserTokens, toStored } from '../oauth/user-token-source.js';
import { hideSecrets } from '../redact.js';
import { refreshingTokenSource, type FetchTokenContext } from '../refresh/engine.js';
import { createMemoryTokenStore } from '../refresh/memory-store.js';
import { tokenFreshness, type ResolvedRefreshOptions } from '../refresh/refresh-policy.js';
import type { FetchLike, OAuthTokenSet, StoredToken, TokenSource, TokenStore, TrackerAuth, TrackerOrg } from '../types.js';
import { sessionFingerprint, type DeadSessions } from './dead-sessions.js';
import type { SessionPayload } from './session-codec.js';

/** How long a refused refresh looks in the shared store for another instance's rotation, at most. */
const ROTATION_GRACE_MS = 3000;
/** After a due (not yet expired) token failed to refresh, requests stop waiting for it this long. */
const DUE_RETRY_MS = 30_000;

/** The shared-store key of a session, from its refresh token's fingerprint. */
export const storeKeyOf = (fingerprint: string) => `oauth:user:sha256:${fingerprint}`;

export interface SessionEntryOptions {
  org: TrackerOrg;
  oauth: { clientId: string; clientSecret: string; oauthUrl?: string | undefined; fetch?: FetchLike | undefined };
  /** The refresh options, resolved (user-token defaults applied). */
  policy: ResolvedRefreshOptions;
  store?: TokenStore | undefined;
  dead: DeadSessions;
  seal: (payload: SessionPayload) => Promise<string>;
  /** Called after `current` changed to a new token set (to index the entry under its new refresh token). */
  onRotated: (entry: SessionEntry) => void;
  /** Observer of `refresh.*`, `session.rotated` and `session.dead` events. */
  onEvent?: TrackerAuthEventHandler | undefined;
}

export interface SessionEntry {
  readonly auth: TrackerAuth;
  /** The newest tokens of this session (after any rotation). */
  readonly current: SessionPayload;
  /** `current`, sealed; set once a rotation happened. */
  readonly sealed: string | undefined;
  /** The refresh token was refused: the session is over. */
  readonly dead: boolean;
  /** A rotation no response has delivered yet: keep the entry past the idle time. */
  pinned: boolean;
  lastUsed: number;
  /** Fingerprints of every refresh token this session has had (dead-session and store keys). */
  readonly fingerprints: ReadonlySet<string>;
  /**
   * Take a rotation another instance made (shared store) into `current`, then refresh now when
   * the token is due or expired, waiting at most `refresh.timeoutMs`.
   */
  update(): Promise<void>;
}

/** Whether two payloads hold different token sets (what a new cookie is for). */
export function tokensDiffer(a: SessionPayload, b: SessionPayload): boolean {
  return a.a !== b.a || a.r !== b.r || a.e !== b.e || a.n !== b.n;
}

const signInAgain = () => new SignInRequiredError('The Yandex OAuth session can no longer be refreshed: sign in again.');

export function createSessionEntry(session: SessionPayload, fingerprint: string, options: SessionEntryOptions): SessionEntry {
  const { policy, onEvent } = options;
  const shared = session.r === undefined ? undefined : options.store;
  const store = shared ?? createMemoryTokenStore();
  const id = shared ? storeKeyOf(fingerprint) : 'oauth:user:session';
  const initial: StoredToken = { token: session.a, kind: 'oauth', expiresAt: session.e, issuedAt: session.n, refreshToken: session.r };
  const fingerprints = new Set([fingerprint]);
  let current = session;
  let sealed: string | undefined;
  let dead = false;
  /** The token endpoint's last answer (type and scope are not kept in the store). */
  let answered: OAuthTokenSet | undefined;
  let dueRetryAt = 0;
  /** Names the session in events: a prefix of its first fingerprint (a SHA-256), never a token. */
  const label = fingerprint.slice(0, 12);

  /** The store key linking a spent refresh token to its successors. */
  const linkOf = async (spent: string) => storeKeyOf(await sessionFingerprint({ a: '', r: spent }));
  /** Whether `stored` holds other tokens than `current`. */
  const isNewer = (stored: StoredToken) => stored.token !== current.a || (stored.refreshToken !== undefined && stored.refreshToken !== current.r);

  /** Applies run one after another: each sees the state the previous one left. */
  let applying: Promise<void> = Promise.resolve();
  function apply(stored: StoredToken): Promise<void> {
    const run = applying.then(() => applyNow(stored));
    applying = run.catch(() => undefined);
    return run;
  }

  async function applyNow(stored: StoredToken): Promise<void> {
    const before = current;
    // An older state arriving late (a slow store read) must not replace a newer one.
    if (stored.issuedAt !== undefined && before.n !== undefined && stored.issuedAt < before.n) return;
    const next: SessionPayload = {
      ...before,
      a: stored.token,
      r: stored.refreshToken ?? before.r,
      e: stored.expiresAt,
      n: stored.issuedAt ?? before.n,
      t: answered?.tokenType ?? before.t,
      s: answered?.scope ?? before.s,
    };
    answered = undefined;
    if (!tokensDiffer(before, next)) return;
    const nextSealed = await options.seal(next);
    if (next.r !== undefined && next.r !== before.r) fingerprints.add(await sessionFingerprint(next));
    // Applies are serialized, so `current` is still `before` here: the age check above holds.
    current = next;
    sealed = nextSealed;
    entry.pinned = true;
    options.onRotated(entry);
    emitEvent(onEvent, { type: 'session.rotated', session: label, refreshTokenRotated: next.r !== before.r });
  }

  function markDead(): void {
    if (!dead) emitEvent(onEvent, { type: 'session.dead', session: label });
    dead = true;
    for (const fp of fingerprints) options.dead.add(fp, current.x);
  }

  /** Another instance spent `spent` a moment ago: wait (briefly) for its answer in the store. */
  async function rotatedElsewhere(sharedStore: TokenStore, spent: string, timeoutMs: number): Promise<StoredToken | undefined> {
    const key = await linkOf(spent);
    const limit = Math.min(timeoutMs, ROTATION_GRACE_MS);
    for (let waited = 0, delay = 10; ; delay = Math.min(delay * 2, 250)) {
      const found = await sharedStore.get(key);
      if (found?.refreshToken !== undefined && found.refreshToken !== spent) return found;
      if (waited >= limit) return undefined;
      await sleep(delay);
      waited += delay;
    }
  }

  async function fetchToken({ current: stored, signal, timeoutMs, now }: FetchTokenContext): Promise<StoredToken> {
    // Shared store: another instance already rotated this session and its token is fresh.
    if (shared && stored !== undefined && stored.refreshToken !== current.r && tokenFreshness(stored, now(), policy) === 'fresh') return stored;
    const spent = stored?.refreshToken ?? current.r;
    if (spent === undefined) {
      markDead();
      throw noRefreshToken();
    }
    try {
      const next = await refreshUserTokens({ ...options.oauth, refreshToken: spent, signal, timeoutMs }, now);
      answered = next;
      // Yandex may omit a new refresh token; the old one then stays valid.
      const fresh = toStored({ ...next, refreshToken: next.refreshToken ?? spent }, now());
      if (shared) {
        const link = await linkOf(spent);
        if (link !== id) await shared.set(link, fresh);
      }
      return fresh;
    } catch (error) {
      if (!isSignInRequiredError(error)) throw error;
      const rotated = shared ? await rotatedElsewhere(shared, spent, timeoutMs) : undefined;
      if (rotated !== undefined) return rotated;
      markDead();
      throw error;
    }
  }

  // Every option is built here or was checked when the flow was created: the engine skips its checks.
  const source = refreshingTokenSource({ id, kind: 'oauth', store, refresh: policy, initial, fetchToken, onRefresh: apply, onEvent });

  /** Shared store: take a rotation another instance made into `current`; resolves to what the store held. */
  async function sync(): Promise<StoredToken | undefined> {
    if (!shared) return undefined;
    const stored = await shared.get(id);
    if (stored === undefined) return undefined;
    if (isNewer(stored) || (stored.issuedAt ?? 0) > (current.n ?? 0)) {
      await apply(stored);
    }
    return stored;
  }

  const synced: TokenSource = {
    id,
    kind: 'oauth',
    async getToken(getOptions) {
      if (dead) throw signInAgain();
      const access = await source.getToken(getOptions);
      // A refused refresh of a still-valid token is not thrown by the engine (it serves the
      // cached token); the session is over all the same.
      if (dead) throw signInAgain();
      if (shared && (access.token !== current.a || access.issuedAt !== current.n)) await sync();
      return access;
    },
    invalidate: (token) => source.invalidate(token),
  };

  /** `known`: the stored token just read by `sync()`, to spare a second store read. */
  async function refreshIfDue(known?: StoredToken): Promise<void> {
    const now = policy.now();
    const stored = known ?? (await store.get(id)) ?? initial;
    // A refresh stored its tokens but has not re-sealed them yet (the engine calls `apply` once
    // its store write is done): seal them now, so this response carries the rotated cookie too.
    if (isNewer(stored)) await apply(stored);
    const freshness = tokenFreshness(stored, now, policy);
    if (freshness === 'fresh' || (freshness === 'due' && now < dueRetryAt)) return;
    // Waiting here (not in the background) is what puts the rotated cookie on this response.
    // `waitIfDue`, not `forceRefresh`: a due token is refreshed even seconds after a previous
    // refresh (the forced-refresh cooldown is for 401s, and would leave the rotation in memory).
    // Past `refresh.timeoutMs` this request stops waiting (the shared refresh goes on for others)
    // and leaves with the cookie it has.
    const signal = AbortSignal.timeout(policy.timeoutMs);
    const outcome = await source.getToken({ waitIfDue: true, signal }).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (signal.aborted || dead) return;
    // An expired token cannot be served: the request fails the way its Tracker call would.
    if (outcome !== undefined && freshness === 'expired') throw outcome;
    const after = (await store.get(id)) ?? initial;
    if (freshness === 'due' && tokenFreshness(after, policy.now(), policy) !== 'fresh') dueRetryAt = policy.now() + DUE_RETRY_MS;
  }

  const auth = createTrackerAuth({ credentials: hideSecrets(synced, () => ({ id, kind: 'oauth' }), 'TokenSource'), org: options.org, onEvent });
  const entry: SessionEntry = {
    auth,
    get current() {
      return current;
    },
    get sealed() {
      return sealed;
    },
    get dead() {
      return dead;
    },
    pinned: false,
    lastUsed: 0,
    fingerprints,
    update: async () => refreshIfDue(await sync()),
  };
  return hideSecrets(entry, () => ({ dead, pinned: entry.pinned }), 'SessionEntry');
}
