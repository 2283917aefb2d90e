// @ts-check
/**
 * `npm run bench`: the three benchmarks, one after the other, printed as Markdown. Exits non-zero
 * when a check fails (an IAM exchange during cached calls, failed proxy requests, or an
 * upstream connection per request); the timings themselves are reported, never asserted.
 */
import { runHandlerBench } from './handler.bench.mjs';
import { runHeadersBench } from './headers.bench.mjs';
import { runProxyBench } from './proxy.bench.mjs';

const headers = await runHeadersBench();
console.log(`${headers.markdown}\n`);
const handler = await runHandlerBench();
console.log(`${handler.markdown}\n`);
const proxy = await runProxyBench();
console.log(proxy.markdown);
if (headers.iamCallsDuringBench !== 0 || proxy.problems.length > 0) process.exitCode = 1;
