// POST /v2|v3/issues/_search: the documented 400s, scroll mode and page mode over many issues.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { orgHeaders, postJson } from './helpers.js';

let fake: FakeYandex;
const BIG = 2500;
let seedMs = 0;
beforeAll(async () => {
  fake = await startFakeYandex({ clockMode: 'manual' });
  fake.tracker.addQueue({ key: 'BIG' });
  const t0 = performance.now();
  for (let i = 1; i <= BIG; i++) fake.tracker.addIssue({ queue: 'BIG', summary: `Issue ${i}` });
  seedMs = performance.now() - t0;
});
afterAll(() => fake.close());

const search = (query: string, body: unknown, headers = orgHeaders(fake)) => postJson(`${fake.url}/v3/issues/_search${query}`, body, headers);
const keysOf = async (res: Response) => ((await res.json()) as Array<{ key: string }>).map((i) => i.key);
const bigKeys = () => Array.from({ length: BIG }, (_, i) => `BIG-${i + 1}`);

/** Follows a scroll by scrollId + scrollToken until a page comes back without X-Scroll-Id. */
async function scrollAll(first: Response, body: unknown): Promise<{ keys: string[]; requests: number }> {
  const keys = await keysOf(first);
  let res = first;
  let requests = 1;
  while (res.headers.get('x-scroll-id')) {
    const q = new URLSearchParams({ scrollId: res.headers.get('x-scroll-id') ?? '', scrollToken: res.headers.get('x-scroll-token') ?? '' });
    res = await search(`?${q}`, body);
    expect(res.status).toBe(200);
    requests += 1;
    keys.push(...(await keysOf(res)));
  }
  return { keys, requests };
}

describe('documented 400s', () => {
  it.each([
    ['keys + filter', { keys: ['BIG-1'], filter: { summary: 'x' } }],
    ['keys + query', { keys: 'BIG-1', query: 'Queue: BIG' }],
    ['queue + filter', { queue: 'BIG', filter: { summary: 'x' } }],
    ['queue + query', { queue: 'BIG', query: 'Queue: BIG' }],
  ])('%s → 400 "You can only use keys, a queue or a search query."', async (_n, body) => {
    const res = await search('', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: {}, errorMessages: ['You can only use keys, a queue or a search query.'], statusCode: 400 });
  });

  it.each([
    ['queue', { queue: 'BIG' }],
    ['keys', { keys: ['BIG-1'] }],
  ])('scroll with %s → 400 "Scroll is not supported"', async (_n, body) => {
    const res = await search('?scrollType=sorted', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: {}, errorMessages: ['Scroll is not supported'], statusCode: 400 });
  });

  it.each(['scrollType=random', 'scrollType=sorted&perScroll=1001', 'scrollType=sorted&perScroll=0', 'scrollType=sorted&scrollTTLMillis=60001'])('%s → 400', async (q) => {
    const res = await search(`?${q}`, { filter: { queue: 'BIG' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: {}, statusCode: 400 });
  });

  it('filter + query together, and each alone, are fine', async () => {
    expect((await search('', { filter: { queue: 'BIG' }, query: 'Queue: BIG' })).status).toBe(200);
    expect((await search('', { queue: 'BIG' })).status).toBe(200);
  });
});

describe('scroll mode', () => {
  it('sorted: defaults to 100 per scroll; X-Total-Count, Link rel=next, X-Scroll-Id/Token on each page; every issue once, in order', async () => {
    const body = { filter: { queue: 'BIG' } };
    const first = await search('?scrollType=sorted', body);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-total-count')).toBe(String(BIG));
    expect(first.headers.get('x-scroll-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(first.headers.get('x-scroll-token')).toBeTruthy();
    const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    const nextUrl = new URL(next);
    expect(nextUrl.searchParams.get('scrollId')).toBe(first.headers.get('x-scroll-id'));
    expect(nextUrl.searchParams.get('scrollToken')).toBe(first.headers.get('x-scroll-token'));
    expect(nextUrl.searchParams.has('scrollType')).toBe(false);
    const { keys, requests } = await scrollAll(first, body);
    expect(keys).toEqual(bigKeys());
    expect(requests).toBe(BIG / 100 + 1); // 25 pages, then [] without scroll headers
  });

  it('the last non-empty page has no Link rel=next; following Link alone collects everything', async () => {
    const keys: string[] = [];
    let url: string | undefined = `${fake.url}/v3/issues/_search?scrollType=sorted&perScroll=1000&scrollTTLMillis=60000`;
    while (url) {
      const res: Response = await postJson(url, { query: 'Queue: BIG' }, orgHeaders(fake));
      keys.push(...(await keysOf(res)));
      url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      if (url) expect(new URL(url).searchParams.get('scrollTTLMillis')).toBe('60000');
    }
    expect(keys).toEqual(bigKeys());
  });

  it('unsorted: all issues once, in some order', async () => {
    const first = await search('?scrollType=unsorted&perScroll=1000', { filter: { queue: 'BIG' } });
    const { keys } = await scrollAll(first, { filter: { queue: 'BIG' } });
    expect(keys).toHaveLength(BIG);
    expect([...keys].sort()).toEqual(bigKeys().sort());
  });

  it('a snapshot: issues added after the scroll started do not appear', async () => {
    fake.tracker.addQueue({ key: 'SNAP' });
    fake.tracker.addIssue({ queue: 'SNAP', summary: 'one' });
    const first = await search('?scrollType=sorted&perScroll=1', { filter: { queue: 'SNAP' } });
    fake.tracker.addIssue({ queue: 'SNAP', summary: 'two' });
    expect((await scrollAll(first, { filter: { queue: 'SNAP' } })).keys).toEqual(['SNAP-1']);
  });

  it('the TTL runs on the fake clock: renewed by each page; past it → 403 "Expired signature"', async () => {
    const body = { filter: { queue: 'BIG' } };
    const first = await search('?scrollType=sorted&perScroll=10&scrollTTLMillis=2000', body);
    const q = (r: Response) => `?${new URLSearchParams({ scrollId: r.headers.get('x-scroll-id') ?? '', scrollToken: r.headers.get('x-scroll-token') ?? '' })}`;
    fake.clock.advance(1999);
    const second = await search(q(first), body);
    expect(second.status).toBe(200);
    fake.clock.advance(1999); // 3998 ms after the first page, 1999 after the second
    expect((await search(q(second), body)).status).toBe(200);
    const expiredOld = await search(q(first), body);
    expect(expiredOld.status).toBe(403);
    expect(await expiredOld.json()).toEqual({ errors: {}, errorMessages: ['Expired signature'], statusCode: 403 });
    fake.clock.advance(2000);
    const expired = await search(q(second), body);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ errors: {}, errorMessages: ['Expired signature'], statusCode: 403 });
  });

  it('the default TTL is 5000 ms', async () => {
    const first = await search('?scrollType=sorted', { filter: { queue: 'BIG' } });
    const q = `?${new URLSearchParams({ scrollId: first.headers.get('x-scroll-id') ?? '', scrollToken: first.headers.get('x-scroll-token') ?? '' })}`;
    fake.clock.advance(5000);
    expect((await search(q, {})).status).toBe(403);
  });

  it('a missing, altered or other user’s scroll token → 403', async () => {
    const first = await search('?scrollType=sorted', { filter: { queue: 'BIG' } });
    const id = first.headers.get('x-scroll-id') ?? '';
    const token = first.headers.get('x-scroll-token') ?? '';
    const other = fake.tracker.addUser({ login: 'other.reader' });
    const otherToken = fake.oauth.issueToken({ uid: other.uid }).accessToken;
    const cases = [
      search(`?scrollId=${id}`, {}),
      search(`?${new URLSearchParams({ scrollId: id, scrollToken: `${token.slice(0, -2)}xx` })}`, {}),
      search(`?${new URLSearchParams({ scrollId: 'f'.repeat(32), scrollToken: token })}`, {}),
      search(`?${new URLSearchParams({ scrollId: id, scrollToken: token })}`, {}, orgHeaders(fake, otherToken)),
    ];
    for (const res of await Promise.all(cases)) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ errors: {}, statusCode: 403 });
    }
  });
});

describe('releasing a scroll: POST system/search/scroll/_clear', () => {
  const clear = (body: unknown, headers = orgHeaders(fake), version = 'v3') =>
    postJson(`${fake.url}/${version}/system/search/scroll/_clear`, body, headers);
  const open = async () => {
    const first = await search('?scrollType=sorted&perScroll=10', { filter: { queue: 'BIG' } });
    return { id: first.headers.get('x-scroll-id') ?? '', token: first.headers.get('x-scroll-token') ?? '' };
  };
  const next = (s: { id: string; token: string }) => search(`?${new URLSearchParams({ scrollId: s.id, scrollToken: s.token })}`, {});

  it('200 with an empty body; the released scroll then answers 403 "Expired signature" (v2 and v3)', async () => {
    for (const version of ['v2', 'v3']) {
      const a = await open();
      const b = await open();
      const held = fake.tracker.openScrolls;
      const res = await clear({ [a.id]: a.token, [b.id]: b.token }, orgHeaders(fake), version);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      expect(fake.tracker.openScrolls).toBe(held - 2);
      for (const s of [a, b]) {
        const after = await next(s);
        expect(after.status).toBe(403);
        expect(await after.json()).toEqual({ errors: {}, errorMessages: ['Expired signature'], statusCode: 403 });
      }
    }
  });

  it('pairs that do not verify (altered token, other scroll, other user) release nothing', async () => {
    const a = await open();
    const b = await open();
    const other = fake.tracker.addUser({ login: 'other.releaser' });
    const otherToken = fake.oauth.issueToken({ uid: other.uid }).accessToken;
    expect((await clear({ [a.id]: `${a.token.slice(0, -2)}xx`, [b.id]: a.token })).status).toBe(200);
    expect((await clear({ [a.id]: a.token }, orgHeaders(fake, otherToken))).status).toBe(200);
    expect((await next(a)).status).toBe(200);
    expect((await next(b)).status).toBe(200);
  });

  it('needs the same auth as any Tracker call, POST only, a JSON object body', async () => {
    expect((await clear({}, { Authorization: 'OAuth nope', 'X-Org-ID': fake.demo.orgId })).status).toBe(401);
    expect((await clear([])).status).toBe(400);
    const get = await fetch(`${fake.url}/v3/system/search/scroll/_clear`, { headers: orgHeaders(fake) });
    expect(get.status).toBe(405);
  });
});

describe('page mode over many issues', () => {
  it(`${BIG} issues are added quickly and page with Link/X-Total-* (v2 too)`, async () => {
    expect(seedMs).toBeLessThan(2000);
    const t0 = performance.now();
    const keys: string[] = [];
    let next: string | undefined = `${fake.url}/v2/issues/_search?perPage=100`;
    while (next) {
      const res: Response = await postJson(next, { queue: 'BIG' }, orgHeaders(fake));
      expect(res.headers.get('x-total-count')).toBe(String(BIG));
      expect(res.headers.get('x-total-pages')).toBe(String(BIG / 100));
      keys.push(...(await keysOf(res)));
      next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
    }
    expect(keys).toEqual(bigKeys());
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
