import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { useFake } from './helpers.js';

const fake = useFake();
const entry = fileURLToPath(new URL('./esm-consumer/main.js', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill();
  child = undefined;
});

/** Run the ESM consumer app; resolves with its output once it listens or exits. */
function run(env: Record<string, string>): Promise<{ output: string; url?: string; code?: number | null }> {
  if (!existsSync(dist)) throw new Error(`${dist} is missing: build the package first (npx nx run @tracker-auth/nestjs:build)`);
  child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (match) resolve({ output, url: match[1] });
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', onData);
    child!.once('exit', (code) => resolve({ output, code }));
  });
}

describe('an ESM Nest app importing the built package', () => {
  it('loads dist/index.js and serves Tracker calls', async () => {
    const { url, output } = await run({
      TRACKER_OAUTH_TOKEN: fake().demo.oauthToken,
      TRACKER_ORG_ID: fake().demo.orgId,
      TRACKER_API_URL: fake().url,
    });
    expect(url, output).toBeDefined();
    expect(output).toContain(`resolved ${new URL('../dist/index.js', import.meta.url).href}`);
    const me = await fetch(`${url}/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ login: fake().demo.user.login });
  });

  it('fails to boot with the ConfigurationError of a bad option', async () => {
    const { code, output } = await run({ TRACKER_OAUTH_TOKEN: fake().demo.oauthToken, TRACKER_ORG_ID: '', TRACKER_API_URL: fake().url });
    expect(code).toBe(1);
    expect(output).toMatch(/esm-consumer: ConfigurationError \(org/);
    expect(output).not.toContain(fake().demo.oauthToken);
  });
});
