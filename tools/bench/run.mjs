// @ts-check
/**
 * `npm run bench`: the four benchmarks one after the other, each in a fresh node process (so
 * none inherits another's heap and garbage), printed as Markdown. Arguments (--rounds=…, --dist, …) are passed on.
 * Exits non-zero when a benchmark's check fails (an IAM exchange during cached calls, failed
 * proxy requests, an upstream connection per request); timings are reported, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let failed = false;
for (const script of ['headers.bench.mjs', 'handler.bench.mjs', 'proxy.bench.mjs', 'redis-store.bench.mjs']) {
  const run = spawnSync(process.execPath, [join(here, script), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed = true;
  console.log('');
}
if (failed) process.exitCode = 1;
