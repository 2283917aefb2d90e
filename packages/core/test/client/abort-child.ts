/**
 * Run in a child process by abort-during-retry.test.ts (bundled with esbuild, so plain `node`
 * with its real built-in fetch): one scenario, named by argv[2], in which the caller's signal
 * fires at a chosen moment of a Tracker client call against a local node:http server.
 *
 * The child prints one JSON line (what each call settled with) and ends by itself. An
 * unhandled rejection anywhere kills it with exit code 1 and a stack trace on stderr: exactly
 * the crash the parent test guards against, seen as Node's own default handling sees it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import type { FetchLike, TrackerAuth, TrackerHeaders } from '../../src/types.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** What a call settled with, in a form the parent can compare. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    const e = error as { name?: unknown; code?: unknown };
    return `${String(e.name)}:${String(e.code)}`;
  }
}

/** A TrackerAuth whose token number goes up on every invalidate of the current token. */
function countingAuth(hooks: { invalidate?: () => Promise<void>; headers?: (generation: number, signal?: AbortSignal) => Promise<void> } = {}) {
  let generation = 1;
  const auth: TrackerAuth = {
    org: { orgId: '1234567' },
    credentials: { kind: 'oauth', id: 'test', getToken: async () => ({ token: `token-${generation}`, kind: 'oauth' }) },
    async headers(options): Promise<TrackerHeaders> {
      await hooks.headers?.(generation, options?.signal);
      return { Authorization: `OAuth token-${generation}`, 'X-Org-ID': '1234567' };
    },
    async invalidate(authorization?: string) {
      await hooks.invalidate?.();
      if (authorization === `OAuth token-${generation}`) generation++;
    },
  };
  return auth;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const busy = (status: 429 | 503) => (_req: IncomingMessage, res: ServerResponse) =>
  json(res, status, { errorMessages: ['busy'] }, { 'Retry-After': '1' });

/** Resolves once `signal` has fired and the abort's own listeners have all run. */
const afterAbort = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) setImmediate(resolve);
    else signal.addEventListener('abort', () => setImmediate(resolve), { once: true });
  });

/**
 * The global fetch, calling `onResponse` a macrotask after each answer arrived: by then the
 * client has run its hooks and is waiting out `Retry-After` (or holds the 401 replay).
 */
const observed = (onResponse: (status: number) => void): FetchLike => async (input, init) => {
  const response = await globalThis.fetch(input, init);
  setImmediate(() => onResponse(response.status));
  return response;
};

async function withServer(handler: Handler, run: (url: string, requests: () => number) => Promise<unknown>): Promise<unknown> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res, ++n));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return await run(url, () => n);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const scenarios: Record<string, () => Promise<unknown>> = {
  /** The reported crash: abort while waiting out a 503's Retry-After, GET and POST. */
  'retry-wait-503': () =>
    withServer(busy(503), async (url, requests) => {
      const results: Record<string, string> = {};
      for (const method of ['get', 'post'] as const) {
        const controller = new AbortController();
        const client = createTrackerClient(countingAuth(), { trackerUrl: url, fetch: observed(() => controller.abort()) });
        results[method] = await outcome(client[method]('issues', { json: method === 'post' ? { summary: 'x' } : undefined, signal: controller.signal }).json());
      }
      return { results, requests: requests() };
    }),

  /** The same for a 429, with a caller's own abort reason and a user afterResponse hook (one more clone). */
  'retry-wait-429': () =>
    withServer(busy(429), async (url, requests) => {
      const controller = new AbortController();
      const client = createTrackerClient(countingAuth(), {
        trackerUrl: url,
        fetch: observed(() => controller.abort(new Error('the user gave up'))),
        hooks: { afterResponse: [(_request, _options, response) => void response.headers.get('retry-after')] },
      });
      const result = await outcome(client.post('issues', { json: { summary: 'x' }, signal: controller.signal }));
      return { results: { post: result }, requests: requests() };
    }),

  /** Abort while the 401 hook waits for invalidate() (a slow token store, say). */
  'replay-invalidate': () =>
    withServer(
      (req, res) => (req.headers.authorization === 'OAuth token-1' ? json(res, 401, { errorMessages: ['Not authorized'] }) : json(res, 200, {})),
      async (url, requests) => {
        const controller = new AbortController();
        const auth = countingAuth({
          invalidate: async () => {
            setImmediate(() => controller.abort());
            await afterAbort(controller.signal);
          },
        });
        const result = await outcome(createTrackerClient(auth, { trackerUrl: url }).post('issues', { json: { summary: 'x' }, signal: controller.signal }).json());
        return { results: { post: result }, requests: requests() };
      },
    ),

  /** Abort while the replay fetches a fresh token, and while the replayed request is in flight. */
  'replay-refresh-and-flight': async () => {
    const inFlight = new AbortController();
    return withServer(
      (req, res) => {
        if (req.headers.authorization === 'OAuth token-1') json(res, 401, { errorMessages: ['Not authorized'] });
        else inFlight.abort(); // the replay has arrived; it never gets an answer
      },
      async (url, requests) => {
        const refreshing = new AbortController();
        const auth = countingAuth({
          headers: async (generation, signal) => {
            if (generation === 1) return;
            setImmediate(() => refreshing.abort());
            await afterAbort(signal!);
            throw signal!.reason;
          },
        });
        const refresh = await outcome(
          createTrackerClient(auth, { trackerUrl: url }).post('issues', { json: { summary: 'x' }, signal: refreshing.signal }).json(),
        );
        const flight = await outcome(
          createTrackerClient(countingAuth(), { trackerUrl: url }).post('issues', { json: { summary: 'x' }, signal: inFlight.signal }).json(),
        );
        return { results: { refresh, flight }, requests: requests() };
      },
    );
  },

  /** Abort while the first request is in flight (no answer yet), and after an unread answer arrived. */
  'in-flight-and-unread': async () => {
    const inFlight = new AbortController();
    return withServer(
      (req, res) => (req.url?.endsWith('/hang') ? inFlight.abort() : json(res, 200, { ok: true })),
      async (url, requests) => {
        const client = createTrackerClient(countingAuth(), { trackerUrl: url });
        const flight = await outcome(client.get('hang', { signal: inFlight.signal }).json());
        // A response the caller holds without reading its body when the signal fires.
        const late = new AbortController();
        const response = await client.get('ok', { signal: late.signal });
        late.abort();
        await afterAbort(late.signal);
        return { results: { flight, unread: response.status }, requests: requests() };
      },
    );
  },

  /** Many concurrent calls waiting out Retry-After: aborted together (one signal) and one by one. */
  'many-concurrent': () =>
    withServer(busy(503), async (url, requests) => {
      const calls = 40;
      const shared = new AbortController();
      setMaxListeners(4 * calls, shared.signal); // one signal for many calls, as a caller would set it up
      let answered = 0;
      const client = createTrackerClient(countingAuth(), {
        trackerUrl: url,
        fetch: observed(() => {
          if (++answered === calls) shared.abort();
        }),
      });
      const call = (c: typeof client, i: number, signal: AbortSignal) =>
        outcome(i % 2 ? c.get('myself', { signal }).json() : c.post('issues', { json: { i }, signal }));
      const together = await Promise.all(Array.from({ length: calls }, (_, i) => call(client, i, shared.signal)));
      const oneByOne = await Promise.all(
        Array.from({ length: calls }, (_, i) => {
          const own = new AbortController();
          return call(createTrackerClient(countingAuth(), { trackerUrl: url, fetch: observed(() => own.abort()) }), i, own.signal);
        }),
      );
      return { results: { together: [...new Set(together)], oneByOne: [...new Set(oneByOne)] }, requests: requests() };
    }),
};

const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (!scenario) throw new Error(`unknown scenario ${name}`);
console.log(JSON.stringify(await scenario()));
