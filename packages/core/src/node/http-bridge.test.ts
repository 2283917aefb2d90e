import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWebResponse, toWebRequest, toWebRequestAndSignal, type ToWebRequestOptions } from './http-bridge.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that answers with a JSON description of the web Request the bridge built. */
function describing(options: ToWebRequestOptions = {}, prepare?: (req: IncomingMessage) => void): Promise<string> {
  return serve(async (req, res) => {
    prepare?.(req);
    const request = toWebRequest(req, options);
    const body = request.body ? await request.text() : null;
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: request.url, method: request.method, headers, body }));
  });
}

/** Raw HTTP request (so targets like `//evil/x` are sent verbatim, unlike fetch). */
function raw(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string | string[]>; body?: string } = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('toWebRequest', () => {
  it('keeps method, raw target, query and headers; drops hop-by-hop headers', async () => {
    const base = await describing();
    const res = await raw(base, '/a/b?x=1&y=%20z', {
      headers: { 'x-one': '1', 'x-many': ['a', 'b'], connection: 'keep-alive', 'keep-alive': 'timeout=5' },
    });
    const seen = JSON.parse(res.body);
    expect(seen.url).toBe(`${base}/a/b?x=1&y=%20z`);
    expect(seen.method).toBe('GET');
    expect(seen.headers['x-one']).toBe('1');
    expect(seen.headers['x-many']).toBe('a, b');
    expect(seen.headers).not.toHaveProperty('connection');
    expect(seen.headers).not.toHaveProperty('keep-alive');
    expect(seen.body).toBeNull();
  });

  it('keeps a protocol-relative target on this origin instead of switching host', async () => {
    const base = await describing();
    const seen = JSON.parse((await raw(base, '//evil.example/steal')).body);
    expect(new URL(seen.url).host).toBe(new URL(base).host);
    expect(new URL(seen.url).pathname).toBe('//evil.example/steal');
  });

  it('uses originalUrl (Express mounts strip url) and baseUrl when given', async () => {
    const base = await describing({ baseUrl: 'https://app.example.com/ignored/path' }, (req) => {
      (req as { originalUrl?: string }).originalUrl = req.url;
      req.url = '/stripped';
    });
    const seen = JSON.parse((await raw(base, '/mounted/thing?q=1')).body);
    expect(seen.url).toBe('https://app.example.com/mounted/thing?q=1');
  });

  it('ignores X-Forwarded-* unless trustProxy, and never builds a URL from a hostile Host', async () => {
    const plain = await describing();
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'public.example' };
    expect(JSON.parse((await raw(plain, '/p', { headers: forwarded })).body).url).toBe(`${plain}/p`);

    const trusting = await describing({ trustProxy: true });
    expect(JSON.parse((await raw(trusting, '/p', { headers: forwarded })).body).url).toBe('https://public.example/p');

    // A Host that is no host is refused (RequestRejectedError, 400), never turned into a URL.
    const hostile = await raw(plain, '/p', { headers: { host: 'user@evil.example/x' } });
    expect(hostile.status).toBe(500);
    expect(hostile.body).toContain('RequestRejectedError');
  });

  it("keeps the browser's Host when baseUrl sets the URL; with trustProxy, Host is the forwarded host", async () => {
    const headers = { host: 'localhost:3000', 'x-forwarded-host': 'public.example, inner.example' };
    const base = await describing({ baseUrl: 'https://app.example.com' });
    const kept = JSON.parse((await raw(base, '/p', { headers })).body);
    expect(kept.url).toBe('https://app.example.com/p');
    expect(kept.headers.host).toBe('localhost:3000');
    expect(kept.headers['x-forwarded-host']).toBe('public.example, inner.example');

    for (const options of [{ baseUrl: 'https://app.example.com', trustProxy: true }, { trustProxy: true }]) {
      const trusting = await describing(options);
      const seen = JSON.parse((await raw(trusting, '/p', { headers })).body);
      expect(seen.headers.host, JSON.stringify(options)).toBe('public.example');
    }
    // A forwarded host that is no host leaves Host as sent (baseUrl builds the URL).
    const trusting = await describing({ baseUrl: 'https://app.example.com', trustProxy: true });
    const malformed = JSON.parse((await raw(trusting, '/p', { headers: { host: 'localhost:3000', 'x-forwarded-host': 'a b' } })).body);
    expect(malformed.headers.host).toBe('localhost:3000');
  });

  it('passes a request body through', async () => {
    const base = await describing();
    const res = await raw(base, '/post', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello body' });
    expect(JSON.parse(res.body)).toMatchObject({ method: 'POST', body: 'hello body' });
  });

  it('streams the body: the handler reads the first chunk before the client has sent the rest', async () => {
    const base = await serve(async (req, res) => {
      const reader = toWebRequest(req).body!.getReader();
      const first = await reader.read();
      res.end(`first:${new TextDecoder().decode(first.value)}`);
      await reader.cancel();
    });
    const { port } = new URL(base);
    const reply = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => {
          req.destroy();
          resolve(body);
        });
      });
      req.on('error', reject);
      req.flushHeaders();
      req.write('chunk-1');
      // Never end the request: the server can only answer if it did not wait for the whole body.
    });
    expect(reply).toBe('first:chunk-1');
  });

  it('lets the consumer cancel the body mid-way (size limit) and still answer', async () => {
    const base = await serve(async (req, res) => {
      const reader = toWebRequest(req).body!.getReader();
      await reader.read();
      await reader.cancel();
      await sendWebResponse(res, new Response('too large', { status: 413 }));
    });
    const res = await raw(base, '/', { method: 'POST', body: 'z'.repeat(256 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toBe('too large');
  });

  it('rebuilds the body when a body parser already consumed the stream', async () => {
    const parsedBase = await serve(async (req, res) => {
      let text = '';
      for await (const chunk of req) text += chunk;
      (req as { body?: unknown }).body = JSON.parse(text);
      const request = toWebRequest(req);
      res.end(await request.text());
    });
    const res = await raw(parsedBase, '/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(JSON.parse(res.body)).toEqual({ a: 1 });
  });

  it('with body: false leaves the Node stream unread for a later body parser', async () => {
    const base = await serve(async (req, res) => {
      const request = toWebRequest(req, { body: false });
      let text = '';
      for await (const chunk of req) text += chunk;
      res.end(JSON.stringify({ method: request.method, hasBody: request.body !== null, text }));
    });
    const res = await raw(base, '/', { method: 'POST', body: 'still here' });
    expect(JSON.parse(res.body)).toEqual({ method: 'POST', hasBody: false, text: 'still here' });
  });

  it('aborts the request signal when the client disconnects', async () => {
    let resolveAborted!: (value: boolean) => void;
    const aborted = new Promise<boolean>((resolve) => (resolveAborted = resolve));
    const base = await serve((req, res) => {
      const request = toWebRequest(req, { res });
      request.signal.addEventListener('abort', () => resolveAborted(true));
      // never answer
    });
    disconnectSoon(base);
    expect(await aborted).toBe(true);
  });
});

/** Send a request to `base` and hang up 50 ms later, before any answer. */
function disconnectSoon(base: string): void {
  const { port } = new URL(base);
  const req = httpRequest({ host: '127.0.0.1', port, path: '/' });
  req.on('error', () => undefined);
  req.end();
  setTimeout(() => req.destroy(), 50);
}

describe('toWebRequestAndSignal', () => {
  it('builds the same request as toWebRequest, with the disconnect signal beside it', async () => {
    const base = await serve(async (req, res) => {
      const { request, signal } = toWebRequestAndSignal(req, { res });
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => (headers[name] = value));
      const body = request.body ? await request.text() : null;
      res.end(JSON.stringify({ url: request.url, method: request.method, headers, body, aborted: signal.aborted }));
    });
    const res = await raw(base, '/a/b?c=1', { method: 'POST', headers: { 'x-one': ['1', '2'], connection: 'keep-alive' }, body: 'hi' });
    const seen = JSON.parse(res.body);
    expect(seen).toMatchObject({ url: `${base}/a/b?c=1`, method: 'POST', body: 'hi', aborted: false });
    expect(seen.headers['x-one']).toBe('1, 2');
    expect(seen.headers.connection).toBeUndefined();
  });

  it('aborts the returned signal (not the request own) when the client disconnects', async () => {
    let resolveAborted!: (value: boolean) => void;
    const aborted = new Promise<boolean>((resolve) => (resolveAborted = resolve));
    const base = await serve((req, res) => {
      const { request, signal } = toWebRequestAndSignal(req, { res });
      signal.addEventListener('abort', () => resolveAborted(request.signal.aborted === false));
      // never answer
    });
    disconnectSoon(base);
    expect(await aborted).toBe(true);
  });
});

describe('sendWebResponse', () => {
  it('sends a body with a declared length whole, in one chunk or several', async () => {
    const base = await serve((req, res) => {
      const parts = req.url === '/one' ? ['{"whole":true}'] : ['{"split":', '"in three"', '}'];
      const length = parts.join('').length;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      return sendWebResponse(res, new Response(body, { headers: { 'content-length': String(length) } }));
    });
    const one = await raw(base, '/one');
    expect(one.body).toBe('{"whole":true}');
    expect(one.headers['content-length']).toBe('14');
    const three = await raw(base, '/three');
    expect(three.body).toBe('{"split":"in three"}');
  });

  it('does not end early on an encoded body whose declared length is the compressed one', async () => {
    const base = await serve((_req, res) => {
      // What a fetched gzip response looks like: decoded bytes, compressed Content-Length.
      const parts = ['abc', 'defgh'];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      });
      return sendWebResponse(res, new Response(body, { headers: { 'content-length': '3', 'content-encoding': 'identity' } }));
    });
    const { port } = new URL(base);
    // Count what the server writes after the headers; a client would stop at Content-Length.
    const written = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(data.slice(data.indexOf('\r\n\r\n') + 4)));
    });
    expect(written).toBe('abcdefgh');
  });


  it('copies status, headers and every Set-Cookie separately; drops hop-by-hop headers', async () => {
    const base = await serve((_req, res) => {
      const headers = new Headers({ 'content-type': 'application/json', 'x-total-count': '7', connection: 'close' });
      headers.append('set-cookie', 'a=1; Path=/; HttpOnly');
      headers.append('set-cookie', 'b=2; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
      return sendWebResponse(res, new Response('{"ok":true}', { status: 201, headers }));
    });
    const res = await raw(base, '/');
    expect(res.status).toBe(201);
    expect(res.body).toBe('{"ok":true}');
    expect(res.headers['x-total-count']).toBe('7');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(res.headers.connection).not.toBe('close');
  });

  it('answers bodyless responses (204, redirect without body)', async () => {
    const base = await serve((_req, res) => sendWebResponse(res, new Response(null, { status: 302, headers: { location: '/x' } })));
    const res = await raw(base, '/');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/x');
    expect(res.body).toBe('');
  });

  it('streams a large body with backpressure', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const base = await serve((_req, res) => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 64) controller.enqueue(new TextEncoder().encode(chunk));
          else controller.close();
        },
      });
      return sendWebResponse(res, new Response(body));
    });
    const res = await raw(base, '/');
    expect(res.body.length).toBe(64 * chunk.length);
  });

  it('cancels the response body when the client goes away mid-stream', async () => {
    let resolveCancelled!: (reason: unknown) => void;
    const cancelled = new Promise((resolve) => (resolveCancelled = resolve));
    const base = await serve((_req, res) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('partial'));
        },
        cancel(reason) {
          resolveCancelled(reason ?? 'cancelled');
        },
      });
      return sendWebResponse(res, new Response(body));
    });
    const { port } = new URL(base);
    const req = httpRequest({ host: '127.0.0.1', port, path: '/' }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => undefined);
    req.end();
    await expect(cancelled).resolves.toBeDefined();
  });

  it('cuts the connection when the body fails mid-way instead of ending it cleanly', async () => {
    const base = await serve((_req, res) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('partial'));
          setTimeout(() => controller.error(new Error('upstream reset')), 20);
        },
      });
      return sendWebResponse(res, new Response(body));
    });
    await expect(raw(base, '/')).rejects.toThrow();
  });
});
