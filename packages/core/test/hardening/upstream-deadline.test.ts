/**
 * Regression suite: one deadline over an upstream answer's headers AND body, for every token
 * call. Before, the timer stopped at the headers, so a server that sent headers and stalled kept
 * `exchangeCode()` and `revokeToken()` pending forever, and every IAM attempt the refresh engine
 * gave up on left its connection open. Each test uses a real server that answers headers and a
 * few bytes, then nothing, and counts the sockets the client still holds.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, TimeoutError, TokenExchangeError, isInvalidResponseError } from '../../src/errors.js';
import { fetchWithDeadline } from '../../src/http/upstream.js';
import { exchangeCode } from '../../src/oauth/token-endpoint.js';
import { revokeToken } from '../../src/oauth/revoke.js';
import { requestDeviceCode } from '../../src/oauth/device-flow.js';
import { iamFromOAuthToken } from '../../src/tokens/iam-from-oauth.js';
import { iamFromMetadata } from '../../src/tokens/iam-from-metadata.js';
import { settle, stallAfterHeaders, startStallServer, type StallServer } from './stall-server.js';

const client = { clientId: 'client-id-0001', clientSecret: 'client-secret-0001' };
let server: StallServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The client let go of every connection it opened (the server saw each socket close). */
async function allSocketsReleased(s: StallServer): Promise<void> {
  await vi.waitFor(() => expect(s.openSockets).toBe(0), { timeout: 2000, interval: 20 });
}

describe('OAuth calls end within timeoutMs when the body stalls', () => {
  it('exchangeCode: TimeoutError after the headers arrived, connection closed', { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => stallAfterHeaders(res));
    const result = await settle(exchangeCode({ ...client, code: '1234567', oauthUrl: server.url, timeoutMs: 300 }));
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect((result.error as Error).message).toMatch(/^Yandex OAuth code exchange timed out after 300 ms: POST http:\/\/127\.0\.0\.1:\d+\/token$/);
    expect(result.ms).toBeLessThan(2000);
    await allSocketsReleased(server);
  });

  it('revokeToken: TimeoutError on a stalled body of an error status too', { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => stallAfterHeaders(res, 400));
    const result = await settle(revokeToken({ ...client, accessToken: 'access-token-0001', oauthUrl: server.url, timeoutMs: 300 }));
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect(result.ms).toBeLessThan(2000);
    await allSocketsReleased(server);
  });

  it("requestDeviceCode: the caller's signal still ends the call while the body is being read", { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => stallAfterHeaders(res));
    const controller = new AbortController();
    const pending = settle(requestDeviceCode({ clientId: client.clientId, oauthUrl: server.url, timeoutMs: 60_000, signal: controller.signal }));
    await vi.waitFor(() => expect(server!.requests).toHaveLength(1));
    controller.abort(new Error('user left'));
    const result = await pending;
    expect(result.error).toBeInstanceOf(AbortedError);
    await allSocketsReleased(server);
  });

  it('an endless body stops at the size cap (1 MiB) as a TokenExchangeError, connection closed', { timeout: 8000 }, async () => {
    let written = 0;
    server = await startStallServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const result = await settle(exchangeCode({ ...client, code: '1234567', oauthUrl: server.url, timeoutMs: 5000 }));
    expect(result.error).toBeInstanceOf(TokenExchangeError);
    expect((result.error as TokenExchangeError).message).toContain('larger than the limit');
    expect(isInvalidResponseError((result.error as Error).cause)).toBe(true);
    await allSocketsReleased(server);
    expect(written).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('IAM and metadata attempts release their connections', () => {
  it('iamFromOAuthToken: every timed-out attempt closes its socket; getToken ends in time', { timeout: 10_000 }, async () => {
    server = await startStallServer((_req, res) => stallAfterHeaders(res));
    const source = iamFromOAuthToken({
      oauthToken: 'y0_AgAAAAStalledBodyTokenExample',
      iamUrl: server.url,
      refresh: { timeoutMs: 300, retries: 2, backoffMs: 10, maxBackoffMs: 10 },
    });
    const result = await settle(source.getToken());
    expect(result.error).toBeInstanceOf(TokenExchangeError);
    expect((result.error as TokenExchangeError).message).toContain('timed out');
    expect(result.ms).toBeLessThan(4000);
    expect(server.connections).toBe(3);
    await allSocketsReleased(server);
  });

  it('iamFromMetadata: a stalled error body still gives the status, within the deadline', { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.write('{"error":');
    });
    const source = iamFromMetadata({ metadataUrl: server.url, refresh: { timeoutMs: 300, retries: 0 } });
    const result = await settle(source.getToken());
    expect(result.error).toBeInstanceOf(TokenExchangeError);
    expect((result.error as TokenExchangeError).status).toBe(403);
    expect(result.ms).toBeLessThan(2000);
    await allSocketsReleased(server);
  });
});

describe('fetchWithDeadline', () => {
  it('one deadline for headers and body: a body that trickles past it fails with TimeoutError', { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('x')), 50);
      res.on('close', () => clearInterval(timer));
    });
    const response = await fetchWithDeadline({ method: 'GET', url: `${server.url}/slow`, what: 'slow read', timeoutMs: 400 });
    expect(response.status).toBe(200);
    const result = await settle(response.text());
    expect(result.error).toBeInstanceOf(TimeoutError);
    expect((result.error as Error).message).toMatch(/^slow read timed out after 400 ms: GET http:\/\/127\.0\.0\.1:\d+\/slow$/);
    await allSocketsReleased(server);
  });

  it('a body read to the end resolves and leaves no timer behind to fire', { timeout: 8000 }, async () => {
    server = await startStallServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const response = await fetchWithDeadline({ method: 'GET', url: server.url, what: 'quick read', timeoutMs: 100 });
    expect(await response.json()).toEqual({ ok: true });
  });

  it('refuses an answer whose headers alone exceed the cap', async () => {
    server = await startStallServer((_req, res) => {
      res.writeHead(200, { 'x-padding': 'p'.repeat(2000) });
      res.end('{}');
    });
    const result = await settle(fetchWithDeadline({ method: 'GET', url: server.url, what: 'padded', maxBytes: 1000 }));
    expect(isInvalidResponseError(result.error)).toBe(true);
    expect(result.error).toMatchObject({ reason: 'too-large', status: 200 });
    await allSocketsReleased(server);
  });
});
