/** The README's `js` example runs as written, in its own Node process, against a real Redis. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToExit, stripAnsi } from '@tracker-auth-tools/test-harness';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleFixture } from './bundle.js';
import { startRedis, type TestRedis } from './redis-server.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.close());

it('README example: IAM through the Redis store, 200 from the fake', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  const entry = join(mkdtempSync(join(tmpdir(), 'tracker-auth-redis-readme-')), 'example.mjs');
  writeFileSync(entry, blocks[0]!);
  const script = await bundleFixture('readme', entry);
  const run = await runToExit(process.execPath, [script], { env: { ...process.env, REDIS_URL: redis.url }, timeoutMs: 30_000 });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  // Nx sets FORCE_COLOR, and console.log colours numbers then.
  expect(stripAnsi(run.stdout).trim()).toBe('200');
  // The token went through Redis, sealed.
  expect(redis.cli('--scan', '--pattern', 'myapp:*').trim().split('\n').filter(Boolean).length).toBeGreaterThan(0);
});
