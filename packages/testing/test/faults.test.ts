import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeYandex, type FakeYandex } from '../src/index.js';
import { orgHeaders, postForm, postJson } from './helpers.js';

let fake: FakeYandex;
let nextRandom = 0;
beforeAll(async () => {
  fake = await startFakeYandex({ random: () => nextRandom });
});
afterAll(() => fake.close());
afterEach(() => fake.faults.clear());

const myself = () => fetch(`${fake.url}/v3/myself`, { headers: orgHeaders(fake) });
const iam = () => postJson(`${fake.url}/iam/v1/tokens`, { yandexPassportOauthToken: fake.demo.oauthToken });

describe('fault injection', () => {
  it('status with each upstream’s own error shape, for the next call only by default', async () => {
    fake.faults.inject('tracker', { status: 503 });
    const res = await myself();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ errors: {}, errorMessages: ['Service Unavailable'], statusCode: 503 });
    expect((await myself()).status).toBe(200);

    fake.faults.inject('iam.tokens', { status: 503 });
    const i = await iam();
    expect(i.status).toBe(503);
    expect(await i.json()).toMatchObject({ code: 14, message: 'Service Unavailable', details: [{ '@type': 'type.googleapis.com/google.rpc.RequestInfo' }] });

    fake.faults.inject('oauth.token', { status: 500 });
    const o = await postForm(`${fake.url}/token`, { grant_type: 'refresh_token' });
    expect(o.status).toBe(500);
    expect(await o.json()).toMatchObject({ error: 'server_error' });

    fake.faults.inject('metadata.token', { status: 500 });
    const m = await fetch(`${fake.url}/computeMetadata/v1/instance/service-accounts/default/token`, { headers: { 'Metadata-Flavor': 'Google' } });
    expect(m.status).toBe(500);
  });

  it('times: N applies to the next N calls', async () => {
    fake.faults.inject('tracker', { status: 500, times: 2 });
    expect([(await myself()).status, (await myself()).status, (await myself()).status]).toEqual([500, 500, 200]);
  });

  it('429 with Retry-After (retryAfter alone implies 429) and without', async () => {
    fake.faults.inject('iam.tokens', { retryAfter: 3 });
    const a = await iam();
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(await a.json()).toMatchObject({ code: 8 });
    fake.faults.inject('tracker', { status: 429 });
    const b = await myself();
    expect(b.status).toBe(429);
    expect(b.headers.get('retry-after')).toBeNull();
  });

  it('custom body (object or string) and headers', async () => {
    fake.faults.inject('tracker', { status: 418, body: { custom: true }, headers: { 'x-fault': 'yes' } });
    const a = await myself();
    expect(a.status).toBe(418);
    expect(a.headers.get('x-fault')).toBe('yes');
    expect(await a.json()).toEqual({ custom: true });
    fake.faults.inject('tracker', { status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } });
    const b = await myself();
    expect(b.headers.get('content-type')).toBe('text/html');
    expect(await b.text()).toBe('<html>bad gateway</html>');
  });

  it('malformed: 200 with a body that is not JSON', async () => {
    fake.faults.inject('iam.tokens', { malformed: true });
    const res = await iam();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    await expect(res.json()).rejects.toThrow();
  });

  it('drop: the connection is destroyed without an answer', async () => {
    fake.faults.inject('oauth.token', { drop: true });
    await expect(postForm(`${fake.url}/token`, { grant_type: 'refresh_token' })).rejects.toThrow(TypeError);
    expect(fake.requests.at(-1)).toMatchObject({ endpoint: 'oauth.token', status: 0 });
  });

  it('delayMs alone delays the real answer (a later undelayed call finishes first)', async () => {
    fake.faults.inject('tracker', { delayMs: 400 });
    const order: string[] = [];
    const before = fake.requests.length;
    const slow = myself().then(async (r) => {
      order.push('slow');
      return r.status;
    });
    // The fake logs a request as it takes its fault: from then on the fault is spent on it.
    await vi.waitFor(() => expect(fake.requests.length).toBe(before + 1));
    const fast = myself().then((r) => {
      order.push('fast');
      return r.status;
    });
    expect(await Promise.all([slow, fast])).toEqual([200, 200]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('rate applies to that fraction of calls until cleared', async () => {
    fake.faults.inject('tracker', { status: 503, rate: 0.5 });
    nextRandom = 0.4;
    expect((await myself()).status).toBe(503);
    expect((await myself()).status).toBe(503);
    nextRandom = 0.6;
    expect((await myself()).status).toBe(200);
    nextRandom = 0;
    fake.faults.clear('tracker');
    expect((await myself()).status).toBe(200);
  });

  it('handles: remaining and remove()', async () => {
    const h = fake.faults.inject('tracker', { status: 500, times: 3 });
    expect(h.remaining).toBe(3);
    await myself();
    expect(h.remaining).toBe(2);
    h.remove();
    expect((await myself()).status).toBe(200);
  });

  it('faults are per endpoint', async () => {
    fake.faults.inject('iam.tokens', { status: 500 });
    expect((await myself()).status).toBe(200);
    expect((await iam()).status).toBe(500);
  });

  it('invalid specs fail at inject()', () => {
    expect(() => fake.faults.inject('nope' as never, { status: 500 })).toThrow(/unknown endpoint/);
    expect(() => fake.faults.inject('tracker', { status: 42 })).toThrow(/status/);
    expect(() => fake.faults.inject('tracker', { times: 0 })).toThrow(/times/);
    expect(() => fake.faults.inject('tracker', { rate: 2 })).toThrow(/rate/);
  });
});

describe('close()', () => {
  it('ends at once with keep-alive sockets and pending delays; later requests fail', async () => {
    const own = await startFakeYandex();
    expect((await fetch(`${own.url}/v3/myself`, { headers: orgHeaders(own) })).status).toBe(200); // leaves a keep-alive socket
    own.faults.inject('tracker', { delayMs: 60_000 });
    const pending = fetch(`${own.url}/v3/myself`, { headers: orgHeaders(own) });
    // close() must end a request the fake is already holding in its delay, not one still in flight.
    await vi.waitFor(() => expect(own.requests).toHaveLength(2));
    await own.close();
    await expect(pending).rejects.toThrow();
    await expect(fetch(`${own.url}/v3/myself`)).rejects.toThrow();
    await own.close(); // idempotent
  });
});
