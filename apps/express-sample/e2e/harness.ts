/**
 * E2E harness: the fake Yandex and the built sample as real processes, and a tiny browser
 * (cookie jar + manual redirects) to drive them over HTTP.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** A free TCP port on 127.0.0.1 (the sample needs its own URL before it starts, for redirect_uri). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface FakeHandle {
  url: string;
  demo: { orgId: string; user: { uid: number; login: string }; app: { clientId: string; clientSecret?: string }; oauthToken: string };
  /** Calls of one endpoint since start (or the last reset). */
  count(endpoint: string): Promise<number>;
  requests(): Promise<Array<{ endpoint: string; method: string; path: string; status: number }>>;
  reset(): Promise<void>;
  inject(endpoint: string, fault: Record<string, unknown>): Promise<void>;
  clear(): Promise<void>;
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

/** Fork the fake (e2e/fake-process.mjs) with the sample's redirect URI registered for the demo app. */
export async function startFake(redirectUris: string[]): Promise<FakeHandle> {
  const child = fork(fileURLToPath(new URL('./fake-process.mjs', import.meta.url)), [JSON.stringify(redirectUris)], {
    cwd: appDir,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<any>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fake exited early (code ${code})`)));
    child.on('message', (message: any) => {
      if (message?.type === 'ready') resolve(message);
      else if (message?.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message.result);
        else waiter?.reject(new Error(message.error));
      }
    });
  });
  const info = await ready;
  const call = (command: string, ...args: unknown[]) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, command, args });
    });
  return {
    url: info.url,
    demo: info.demo,
    count: (endpoint) => call('count', endpoint),
    requests: () => call('requests'),
    reset: () => call('reset'),
    inject: (endpoint, fault) => call('inject', endpoint, fault),
    clear: () => call('clear'),
    advance: (ms) => call('advance', ms),
    stop: () => stopChild(child, () => child.disconnect()),
  };
}

export interface SampleHandle {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Start `node dist/server.js` with `env` and wait until it listens. */
export async function startSample(env: Record<string, string>): Promise<SampleHandle> {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: appDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sample exited early (code ${code}):\n${output}`)));
  });
  return { url, output: () => output, stop: () => stopChild(child, () => child.kill('SIGTERM')) };
}

/** Start a sample process that is expected to fail at start; resolves with its exit code and output. */
export async function runSampleExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: appDir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}

function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    ask();
  });
}

/** A cookie as the browser keeps it, with the attributes tests check. */
export interface StoredCookie {
  value: string;
  attributes: string;
}

/**
 * A minimal browser: per-host cookie jar (name=value, Max-Age=0 / past Expires delete),
 * redirects followed by hand so every hop can be checked.
 */
export class Browser {
  readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** Every Set-Cookie header seen, in order. */
  readonly setCookies: string[] = [];

  cookies(url: string): Map<string, StoredCookie> {
    const host = new URL(url).host;
    let cookies = this.jar.get(host);
    if (!cookies) this.jar.set(host, (cookies = new Map()));
    return cookies;
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const cookies = this.cookies(url);
    const headers = new Headers(init.headers);
    if (cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...cookies].map(([name, c]) => `${name}=${c.value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      this.setCookies.push(header);
      const [pair = '', ...attrs] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attributes = attrs.join(';');
      const expired = /max-age=0\b/i.test(attributes) || /expires=thu, 01 jan 1970/i.test(attributes) || value === '';
      if (expired) cookies.delete(name);
      else cookies.set(name, { value, attributes });
    }
    return response;
  }

  /** GET `url` and follow redirects (up to 10), returning every hop's URL and status and the final response. */
  async follow(url: string, init: RequestInit = {}): Promise<{ hops: Array<{ url: string; status: number }>; response: Response }> {
    const hops: Array<{ url: string; status: number }> = [];
    let current = url;
    let response = await this.fetch(current, init);
    hops.push({ url: current, status: response.status });
    for (let i = 0; i < 10 && response.status >= 300 && response.status < 400; i++) {
      const location = response.headers.get('location');
      if (!location) break;
      await response.body?.cancel();
      current = new URL(location, current).href;
      response = await this.fetch(current);
      hops.push({ url: current, status: response.status });
    }
    return { hops, response };
  }
}
