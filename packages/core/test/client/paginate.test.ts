/**
 * paginate() against the fake Yandex over real HTTP, with 2,500 issues: page mode (`Link`
 * rel next, rel seek), scroll mode (`X-Scroll-Id`/`X-Scroll-Token`, release through
 * `POST system/search/scroll/_clear`), an expired scroll, `limit`, `AbortSignal`, links to
 * other origins, and option checks.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { createTrackerClient } from '../../src/client/tracker-client.js';
import { paginate } from '../../src/client/paginate.js';
import type { Issue, Queue } from '../../src/client/entities.js';
import { AbortedError, ConfigurationError, TrackerHttpError, isTrackerAuthError, isTrackerHttpError } from '../../src/errors.js';
import { ScrollExpiredError, isScrollExpiredError } from '../../src/client/scroll-expired-error.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';

const BIG = 2500;
let fake: FakeYandex;
let tracker: ReturnType<typeof createTrackerClient>;
const allKeys = Array.from({ length: BIG }, (_, i) => `BIG-${i + 1}`);

beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
  fake.tracker.addQueue({ key: 'BIG' });
  for (let i = 1; i <= BIG; i++) fake.tracker.addIssue({ queue: 'BIG', summary: `Issue ${i}` });
  for (const key of ['QA', 'QB', 'QC', 'QD', 'QE']) fake.tracker.addQueue({ key });
  tracker = createTrackerClient(createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } }), {
    trackerUrl: fake.url,
    timeoutMs: 30_000,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.faults.clear();
  fake.calls.reset();
});

const requestsTo = (path: string) => fake.requests.filter((r) => r.path.split('?')[0] === path);
const searches = () => requestsTo('/v3/issues/_search');
const clears = () => requestsTo('/v3/system/search/scroll/_clear');

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Every key exactly once, in any order. */
function expectEveryIssueOnce(keys: string[]): void {
  expect(keys).toHaveLength(BIG);
  expect(new Set(keys).size).toBe(BIG);
  expect([...keys].sort()).toEqual([...allKeys].sort());
}

describe('page mode: Link rel="next"', () => {
  it(`POST issues/_search: all ${BIG} issues exactly once, in order, one request per page`, async () => {
    const issues = await collect(paginate<Issue>(tracker, 'issues/_search', { json: { queue: 'BIG' }, perPage: 100 }));
    const keys = issues.map((i) => i.key);
    expectEveryIssueOnce(keys);
    expect(keys).toEqual(allKeys);
    expect(searches()).toHaveLength(BIG / 100);
    // Every page carried the body again and the page its Link named.
    expect(searches().map((r) => new URLSearchParams(r.path.split('?')[1]).get('page'))).toEqual([null, ...Array.from({ length: 24 }, (_, i) => String(i + 2))]);
    expect(searches().every((r) => (r.params as { queue?: string } | undefined)?.queue === 'BIG')).toBe(true);
  });

  it('GET queues with a v2 client; pages() reports page numbers and X-Total-*', async () => {
    const v2 = createTrackerClient(createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } }), {
      trackerUrl: fake.url,
      apiVersion: 'v2',
    });
    const expected = fake.tracker.queues.map((q) => q.key);
    const pages = await collect(paginate<Queue>(v2, 'queues', { perPage: 2 }).pages());
    expect(pages.flatMap((p) => p.items.map((q) => q.key))).toEqual(expected);
    expect(pages.map((p) => p.page)).toEqual(Array.from({ length: Math.ceil(expected.length / 2) }, (_, i) => i + 1));
    expect(pages.every((p) => p.totalCount === expected.length && p.totalPages === pages.length)).toBe(true);
    expect(requestsTo('/v2/queues')).toHaveLength(pages.length);
  });

  it('a start page and query from the path and searchParams are kept', async () => {
    const items = await collect(paginate<Issue>(tracker, 'issues/_search?perPage=1000', { json: { queue: 'BIG' }, searchParams: { page: 2 } }));
    expect(items.map((i) => i.key)).toEqual(allKeys.slice(1000));
    expect(searches().map((r) => r.path)).toEqual(['/v3/issues/_search?perPage=1000&page=2', '/v3/issues/_search?perPage=1000&page=3']);
  });

  it('a Link to another origin is never followed: only its path and query go to the client’s own Tracker', async () => {
    const page1 = [{ key: 'X-1' }];
    fake.faults.inject('tracker', { status: 200, body: page1, headers: { link: '<https://evil.example:8443/v3/queues?perPage=2&page=2>; rel="next"' } });
    const keys = (await collect(paginate<{ key: string }>(tracker, 'queues', { perPage: 2 }))).map((q) => q.key);
    expect(keys[0]).toBe('X-1');
    expect(keys.slice(1)).toEqual(fake.tracker.queues.map((q) => q.key).slice(2));
    expect(requestsTo('/v3/queues').map((r) => r.path)).toContain('/v3/queues?perPage=2&page=2');
  });

  it('rel="seek" with X-Total-Pages stands in for a missing rel="next"', async () => {
    fake.faults.inject('tracker', {
      status: 200,
      body: [{ key: 'S-1' }, { key: 'S-2' }],
      headers: { link: `<${fake.url}/v3/queues?perPage=2{&page}>; rel="seek"`, 'x-total-pages': '3', 'x-total-count': '6' },
    });
    const keys = (await collect(paginate<{ key: string }>(tracker, 'queues', { perPage: 2 }))).map((q) => q.key);
    expect(keys.slice(0, 2)).toEqual(['S-1', 'S-2']);
    // Page 2 came from the seek template; the fake's own pages then carry rel="next" again.
    const queues = fake.tracker.queues.map((q) => q.key);
    const pageCount = Math.ceil(queues.length / 2);
    expect(requestsTo('/v3/queues').map((r) => r.path)).toEqual([
      '/v3/queues?perPage=2',
      ...Array.from({ length: pageCount - 1 }, (_, i) => `/v3/queues?perPage=2&page=${i + 2}`),
    ]);
    expect(keys.slice(2)).toEqual(queues.slice(2));
  });

  it('a Link that loops or leaves the API is a TrackerHttpError, not an endless walk', async () => {
    const loop = { status: 200, body: [{ key: 'L' }], headers: { link: '</v3/queues?page=2>; rel="next"' } };
    fake.faults.inject('tracker', { ...loop, times: 2 });
    await expect(collect(paginate(tracker, 'queues'))).rejects.toThrow(/already read/);
    fake.faults.inject('tracker', { status: 200, body: [{ key: 'L' }], headers: { link: '<https://elsewhere.example/login>; rel="next"' } });
    const error = await collect(paginate(tracker, 'queues')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect((error as Error).message).toMatch(/not a Tracker API path/);
  });

  it('a 2xx that is not a list is a TrackerHttpError', async () => {
    await expect(collect(paginate(tracker, 'myself'))).rejects.toThrow(/not a list/);
  });
});

describe('scroll mode: POST issues/_search', () => {
  it(`all ${BIG} issues exactly once (sorted: in order); the scroll is released at the end`, async () => {
    const keys = (await collect(paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 100 } }))).map((i) => i.key);
    expect(keys).toEqual(allKeys);
    // 25 pages, no extra request for an empty last page (X-Total-Count said we were done).
    expect(searches()).toHaveLength(BIG / 100);
    const first = new URLSearchParams(searches()[0]!.path.split('?')[1]);
    expect(Object.fromEntries(first)).toEqual({ scrollType: 'sorted', perScroll: '100', scrollTTLMillis: '60000' });
    expect(searches().slice(1).every((r) => /scrollId=[^&]+&scrollToken=/.test(r.path))).toBe(true);
    expect(clears()).toHaveLength(1);
    expect(clears()[0]!.status).toBe(200);
    expect(fake.tracker.openScrolls).toBe(0);
  });

  it('unsorted: every issue exactly once, in whatever order Tracker sends', async () => {
    const keys = (await collect(paginate<Issue>(tracker, 'issues/_search', { json: { query: 'Queue: BIG' }, scroll: { type: 'unsorted', perScroll: 1000 } }))).map((i) => i.key);
    expectEveryIssueOnce(keys);
    expect(searches()).toHaveLength(3);
    expect(fake.tracker.openScrolls).toBe(0);
  });

  it('break after 150 items: no further page, the scroll released (its next page is 403 Expired signature)', async () => {
    const keys: string[] = [];
    for await (const issue of paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 100 } })) {
      keys.push(issue.key);
      if (keys.length === 150) break;
    }
    expect(keys).toEqual(allKeys.slice(0, 150));
    expect(searches()).toHaveLength(2);
    expect(clears()).toHaveLength(1);
    // The release came after the last page, and nothing was fetched after it.
    const log = fake.requests;
    expect(log.at(-1)!.path).toBe('/v3/system/search/scroll/_clear');
    expect(fake.tracker.openScrolls).toBe(0);
    // What the release sent: the scroll id with its latest token. Continuing with it now fails.
    const [[scrollId, scrollToken]] = Object.entries(clears()[0]!.params as Record<string, string>) as [[string, string]];
    expect(searches()[1]!.path).toContain(`scrollId=${scrollId}`);
    const after = await tracker
      .post('issues/_search', { searchParams: { scrollId, scrollToken }, json: {} })
      .catch((e: unknown) => e);
    expect(isTrackerHttpError(after) && after.status === 403 && after.errorMessages[0]).toBe('Expired signature');
  });

  it('limit: stops inside a page, releases the scroll, fetches nothing more', async () => {
    const items = await collect(paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 100 }, limit: 150 }));
    expect(items.map((i) => i.key)).toEqual(allKeys.slice(0, 150));
    expect(searches()).toHaveLength(2);
    expect(clears()).toHaveLength(1);
    expect(fake.tracker.openScrolls).toBe(0);
  });

  it('scroll.release: false leaves the scroll to its TTL', async () => {
    await collect(paginate(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 1000, ttlMillis: 5000, release: false }, limit: 10 }));
    expect(clears()).toHaveLength(0);
    expect(fake.tracker.openScrolls).toBe(1);
    fake.clock.advance(5001);
    expect(fake.tracker.openScrolls).toBe(0);
  });

  it('a scroll that outlives scrollTTLMillis between two pages is a ScrollExpiredError (a 403 TrackerHttpError), without the token', async () => {
    const keys: string[] = [];
    const walk = async () => {
      for await (const issue of paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 100, ttlMillis: 1000 } })) {
        keys.push(issue.key);
        if (keys.length === 50) fake.clock.advance(1001); // the consumer was slow on this page
      }
    };
    const error = await walk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScrollExpiredError);
    expect(error).toBeInstanceOf(TrackerHttpError);
    expect(isScrollExpiredError(error)).toBe(true);
    const e = error as ScrollExpiredError;
    expect([e.status, e.code, e.name, e.errorMessages]).toEqual([403, 'HTTP_ERROR', 'ScrollExpiredError', ['Expired signature']]);
    expect(keys).toHaveLength(100);
    const sentToken = new URLSearchParams(searches()[1]!.path.split('?')[1]).get('scrollToken')!;
    expect(JSON.stringify(e)).not.toContain(sentToken);
    expect(e.url).toContain('scrollToken=%5BREDACTED%5D');
    // The scroll is gone already: no release is sent for it.
    expect(clears()).toHaveLength(0);
  });

  it('isScrollExpiredError, isTrackerHttpError and isTrackerAuthError also match one from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ScrollExpiredError', code: 'HTTP_ERROR', status: 403 });
    expect([isScrollExpiredError(foreign), isTrackerHttpError(foreign), isTrackerAuthError(foreign)]).toEqual([true, true, true]);
    expect(isScrollExpiredError(Object.assign(new Error('x'), { name: 'TrackerHttpError', code: 'HTTP_ERROR' }))).toBe(false);
  });
});

describe('limit and abort', () => {
  it('limit in page mode: only the pages needed; pages() cuts the last one; 0 fetches nothing', async () => {
    const items = await collect(paginate<Issue>(tracker, 'issues/_search', { json: { queue: 'BIG' }, limit: 120 }));
    expect(items.map((i) => i.key)).toEqual(allKeys.slice(0, 120));
    expect(searches()).toHaveLength(3);
    const pages = await collect(paginate<Issue>(tracker, 'issues/_search', { json: { queue: 'BIG' }, limit: 120 }).pages());
    expect(pages.map((p) => p.items.length)).toEqual([50, 50, 20]);
    fake.calls.reset();
    expect(await collect(paginate(tracker, 'queues', { limit: 0 }))).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('an aborted signal: AbortedError at the next item, no further page; the scroll is still released', async () => {
    const controller = new AbortController();
    const keys: string[] = [];
    const walk = async () => {
      for await (const issue of paginate<Issue>(tracker, 'issues/_search', { json: { filter: { queue: 'BIG' } }, scroll: { perScroll: 100 }, signal: controller.signal })) {
        keys.push(issue.key);
        if (keys.length === 30) controller.abort();
      }
    };
    const error = await walk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(keys).toHaveLength(30);
    expect(searches()).toHaveLength(1);
    await vi.waitFor(() => expect(clears()).toHaveLength(1));
    await vi.waitFor(() => expect(fake.tracker.openScrolls).toBe(0));
  });

  it('abort during a page request rejects with AbortedError; a signal aborted before the walk sends nothing', async () => {
    fake.faults.inject('tracker', { delayMs: 2000 });
    const controller = new AbortController();
    const pending = collect(paginate(tracker, 'queues', { signal: controller.signal }));
    await vi.waitFor(() => expect(fake.calls.count('tracker')).toBe(1));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    fake.calls.reset();
    await expect(collect(paginate(tracker, 'queues', { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(AbortedError);
    expect(fake.calls.count('tracker')).toBe(0);
  });
});

describe('options are checked at the call', () => {
  it.each([
    ['tracker', () => paginate({} as never, 'queues')],
    ['path', () => paginate(tracker, '/v3/queues')],
    ['path', () => paginate(tracker, 'v3/queues')],
    ['path', () => paginate(tracker, 'https://evil.example/v3/queues')],
    ['method', () => paginate(tracker, 'queues', { method: 'PUT' as never })],
    ['json', () => paginate(tracker, 'issues/_search', { method: 'GET', json: {} })],
    ['perPage', () => paginate(tracker, 'queues', { perPage: 0 })],
    ['limit', () => paginate(tracker, 'queues', { limit: -1 })],
    ['limit', () => paginate(tracker, 'queues', { limit: 1.5 })],
    ['signal', () => paginate(tracker, 'queues', { signal: {} as never })],
    ['searchParams.scrollId', () => paginate(tracker, 'issues/_search', { json: {}, searchParams: { scrollId: 'x' } })],
    ['searchParams.page', () => paginate(tracker, 'queues', { searchParams: { page: 0 } })],
    ['scroll', () => paginate(tracker, 'queues', { scroll: true })],
    ['scroll', () => paginate(tracker, 'issues/_search', { scroll: true })],
    ['perPage', () => paginate(tracker, 'issues/_search', { json: {}, perPage: 10, scroll: true })],
    ['scroll.type', () => paginate(tracker, 'issues/_search', { json: {}, scroll: { type: 'random' as never } })],
    ['scroll.perScroll', () => paginate(tracker, 'issues/_search', { json: {}, scroll: { perScroll: 1001 } })],
    ['scroll.ttlMillis', () => paginate(tracker, 'issues/_search', { json: {}, scroll: { ttlMillis: 60_001 } })],
    ['scroll.release', () => paginate(tracker, 'issues/_search', { json: {}, scroll: { release: 'no' as never } })],
  ])('%s → ConfigurationError, before any request', (field, call) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', field });
    expect(fake.requests).toHaveLength(0);
  });
});
