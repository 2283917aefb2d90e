// @ts-check
/**
 * The load generator, as a child process so its work does not share an event loop with the
 * servers under test. Receives `{ type: 'run', url, connections, durationSec, headers }` and
 * answers `{ type: 'result', result }` with the parts of autocannon's result the report uses.
 */
import autocannon from 'autocannon';

/**
 * @typedef {object} LoadRequest
 * @property {'run'} type
 * @property {string} url
 * @property {number} connections
 * @property {number} durationSec
 * @property {Record<string, string>} headers
 */

/** @param {LoadRequest} job */
async function run(job) {
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSec,
    pipelining: 1,
    headers: job.headers,
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    durationSec: result.duration,
  };
}

process.on('message', (message) => {
  const job = /** @type {LoadRequest} */ (message);
  if (job?.type !== 'run') return;
  run(job).then(
    (result) => process.send?.({ type: 'result', result }),
    (error) => process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
