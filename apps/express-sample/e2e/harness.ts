/**
 * E2E harness: the fake Yandex and the built sample as real processes, and a tiny browser
 * (cookie jar + manual redirects) to drive them over HTTP.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runToExit, startProcess, stopChild } from '@tracker-auth-tools/test-harness';

export { Browser, freePort, freePorts, type StoredCookie } from '@tracker-auth-tools/test-harness';

const appDir = fileURLToPath(new URL('..', import.meta.url));

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
  /** `true`: the fake's /authorize declines (redirects back with `error=access_denied`). */
  denyConsent(on: boolean): Promise<void>;
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
    denyConsent: (on) => call('denyConsent', on),
    stop: () => stopChild(child, { ask: () => child.disconnect() }),
  };
}

export interface SampleHandle {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Start `node dist/server.js` with `env` (and PATH only) and wait until it listens. */
export async function startSample(env: Record<string, string>): Promise<SampleHandle> {
  const sample = startProcess(process.execPath, ['dist/server.js'], { cwd: appDir, env: { PATH: process.env.PATH ?? '', ...env }, name: 'sample' });
  const [, url] = await sample.waitForOutput(/listening on (http:\/\/\S+)/);
  return { url: url!, output: sample.output, stop: sample.stop };
}

/** Start a sample process that is expected to fail at start; resolves with its exit code and output. */
export async function runSampleExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { code, output } = await runToExit(process.execPath, ['dist/server.js'], { cwd: appDir, env: { PATH: process.env.PATH ?? '', ...env } });
  return { code, output };
}
