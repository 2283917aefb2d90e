/**
 * The proxy behind a real node:http server (core's http bridge, the way the Node adapters
 * mount it), fed raw request lines over a socket so nothing normalizes the path first. The
 * fake Yandex's call counter proves that no refused request reached Tracker.
 */
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTrackerAuth } from '../../src/auth.js';
import { oauthToken } from '../../src/tokens/static-tokens.js';
import { TRANSPORTS, closeTransports, serveProxy, type TransportName } from './proxy-transports.js';

const MOUNT = '/api/tracker';
let fake: FakeYandex;
let ports: Record<TransportName, number>;

beforeAll(async () => {
  fake = await startFakeYandex();
  const options = {
    auth: createTrackerAuth({ credentials: oauthToken(fake.demo.oauthToken), org: { orgId: fake.demo.orgId } }),
    allowAnonymous: true as const,
    trackerUrl: fake.url,
    maxBodyBytes: 1024,
  };
  ports = { fetch: (await serveProxy('fetch', options, MOUNT)).port, node: (await serveProxy('node', options, MOUNT)).port };
});
afterAll(async () => {
  await closeTransports();
  await fake.close();
});
let port: number;
beforeEach(() => fake.calls.reset());

/** Send a raw HTTP/1.1 request; resolve with the status line's code and the body. */
function rawRequest(head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${head}\r\nHost: app.test\r\nConnection: close\r\n\r\n${body}`));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, text: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe.each(TRANSPORTS)('the proxy over node:http, %s transport', (name) => {
  beforeAll(() => {
    port = ports[name];
  });

  it('forwards a plain request', async () => {
    const { status, text } = await rawRequest(`GET ${MOUNT}/v3/myself HTTP/1.1`);
    expect(status).toBe(200);
    expect(text).toContain(fake.demo.user.login);
    expect(fake.calls.count('tracker')).toBe(1);
  });

  it.each([
    [`GET ${MOUNT}/v2/../../oauth/token HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3/./myself HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3/%2e%2e/%2e%2e/iam/v1/tokens HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3/%2E%2E%2F%2E%2E%2Fiam HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3/%252e%252e/myself HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3\\..\\..\\iam HTTP/1.1`, 400],
    [`GET ${MOUNT}//evil.example/v3/myself HTTP/1.1`, 400],
    [`GET ${MOUNT}/http://evil.example/v3/myself HTTP/1.1`, 400],
    [`GET ${MOUNT}/v3/myself%0d%0aX-Org-ID:%201 HTTP/1.1`, 400],
    [`GET ${MOUNT}/iam/v1/tokens HTTP/1.1`, 404],
    [`DELETE ${MOUNT}/v3/issues/TEST-1 HTTP/1.1`, 405],
  ])('%s → %i, nothing reaches Tracker', async (line, expected) => {
    const { status } = await rawRequest(line);
    expect(status).toBe(expected);
    expect(fake.calls.count('tracker') + fake.calls.count('iam.tokens') + fake.calls.count('oauth.token')).toBe(0);
  });

  it('refuses a chunked body over the limit', async () => {
    const chunk = 'x'.repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`;
    const { status } = await rawRequest(`POST ${MOUNT}/v3/issues HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`, body);
    expect(status).toBe(413);
    expect(fake.calls.count('tracker')).toBe(0);
  });

  it('never lets Content-Length + Transfer-Encoding through (request smuggling)', async () => {
    const { status } = await rawRequest(
      `POST ${MOUNT}/v3/issues HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked`,
      '0\r\n\r\nGET /v3/myself HTTP/1.1\r\n\r\n',
    );
    expect(status).toBe(400);
    expect(fake.calls.count('tracker')).toBe(0);
  });
});
