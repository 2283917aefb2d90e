/**
 * The Node bridge against clients that misbehave: uploads that never end, bodies nobody reads,
 * methods and Host headers a web `Request` cannot carry. Raw `net` sockets, so each request is
 * sent exactly as written.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { openRawConnection, pumpEndlessChunkedBody } from '@tracker-auth-tools/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { toErrorResponse } from '../web/error-response.js';
import { DRAIN_MAX_BYTES, sendWebResponse, toWebRequest } from './http-bridge.js';

const LIMIT = 64 * 1024;
const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

/** A server that hands each request to `handler` through the bridge; errors answer as core would. */
async function serve(handler: (request: Request, req: IncomingMessage) => Promise<Response>): Promise<number> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let response: Promise<Response>;
    try {
      response = handler(toWebRequest(req, { res }), req);
    } catch (error) {
      response = Promise.resolve(toErrorResponse(error));
    }
    response.then((r) => sendWebResponse(res, r)).catch((error) => res.destroy(error));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Read the body up to `max` bytes like the proxy does, then give up on the rest. */
async function readUpTo(request: Request, max: number): Promise<'too-large' | number> {
  const reader = request.body!.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return 'too-large';
    }
  }
}

const open = (port: number) => openRawConnection(port, { track: (socket) => void sockets.push(socket) });


describe('uploads end at the limit', () => {
  it('closes the connection after a 413 on an endless chunked body, within 1 s and < 1 MB read past the limit', async () => {
    let readAtRefusal = 0;
    let socketOfRequest: Socket | undefined;
    const port = await serve(async (request, req) => {
      socketOfRequest = req.socket;
      const verdict = await readUpTo(request, LIMIT);
      readAtRefusal = req.socket.bytesRead;
      return verdict === 'too-large' ? new Response('too large', { status: 413 }) : new Response('ok');
    });
    const client = await open(port);
    client.socket.write('POST /upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n');
    pumpEndlessChunkedBody(client.socket);

    await client.until('too large');
    const answeredAt = Date.now();
    const closedAt = await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 413 /);
    expect(client.text().toLowerCase()).toContain('connection: close');
    expect(closedAt - answeredAt).toBeLessThan(1000);
    expect(socketOfRequest!.bytesRead - readAtRefusal).toBeLessThan(1024 * 1024);
  });

  it('answers a 4 MB body sent to a refused path, closes that connection, and answers the next one', async () => {
    const port = await serve(async (request) =>
      new URL(request.url).pathname === '/refused' ? new Response('not here', { status: 404 }) : new Response('next ok'),
    );
    const client = await open(port);
    const size = 4 * 1024 * 1024;
    client.socket.write(`POST /refused HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${size}\r\n\r\n`);
    client.socket.write(Buffer.alloc(size, 'y'));
    await client.until('not here');
    await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 404 /);

    const next = await open(port);
    next.socket.write('GET /other HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    await next.until('next ok');
    expect(next.text()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('drains a short unread body instead, so the same keep-alive connection answers again', async () => {
    const port = await serve(async (request) =>
      new URL(request.url).pathname === '/refused' ? new Response('not here', { status: 404 }) : new Response('same ok'),
    );
    const client = await open(port);
    const body = 'z'.repeat(Math.min(DRAIN_MAX_BYTES, 4096));
    client.socket.write(`POST /refused HTTP/1.1\r\nHost: app.test\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await client.until('not here');
    client.socket.write('GET /again HTTP/1.1\r\nHost: app.test\r\n\r\n');
    await client.until('same ok');
    expect(client.text().toLowerCase()).not.toContain('connection: close');
  });
});

describe('requests a web Request cannot carry', () => {
  it('answers TRACE with 405 and Allow, not 500', async () => {
    const port = await serve(async () => new Response('handled'));
    const client = await open(port);
    client.socket.write('TRACE /x HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 405 /);
    expect(client.text()).toMatch(/\r\nallow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/i);
    expect(client.text()).toContain('"METHOD_NOT_ALLOWED"');
  });

  it.each(['evil.example:99999', '[::1', 'user@evil.example', 'a b'])('answers Host: %s with 400, not 500', async (host) => {
    const port = await serve(async () => new Response('handled'));
    const client = await open(port);
    client.socket.write(`GET /x HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 400 /);
    expect(client.text()).not.toContain('handled');
  });

  it('ignores a malformed Host when baseUrl is configured', async () => {
    const server = createServer((req, res) => {
      const request = toWebRequest(req, { res, baseUrl: 'https://app.example.com' });
      sendWebResponse(res, new Response(request.url)).catch(() => undefined);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = await open((server.address() as AddressInfo).port);
    client.socket.write('GET /x HTTP/1.1\r\nHost: evil.example:99999\r\nConnection: close\r\n\r\n');
    await client.closed;
    expect(client.text()).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.text()).toContain('https://app.example.com/x');
  });
});
