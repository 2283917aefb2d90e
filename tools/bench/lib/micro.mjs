// @ts-check
/**
 * A tiny micro-benchmark loop: every case runs for a fixed time per round, the order of the
 * cases rotates between rounds, and each result is a ratio to a baseline measured in the same
 * round, so machine-wide drift (other processes on the shared cores) cancels out.
 */
import { performance } from 'node:perf_hooks';
import { median } from './stats.mjs';

/**
 * @typedef {object} MicroCase
 * @property {string} name
 * @property {() => unknown} fn  one operation; awaited when `async`
 * @property {boolean} async
 */

/**
 * @typedef {object} MicroResult
 * @property {string} name
 * @property {number} nsPerOp   median over rounds
 * @property {number[]} samples ns/op of every round
 */

const BATCH = 1000;
/** @type {unknown} */
let sink;

/** @param {MicroCase} c @param {number} ms @returns {Promise<number>} ns per operation */
async function runFor(c, ms) {
  const { fn } = c;
  let ops = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  if (c.async) {
    do {
      for (let i = 0; i < BATCH; i++) sink = await fn();
      ops += BATCH;
      now = performance.now();
    } while (now < end);
  } else {
    do {
      for (let i = 0; i < BATCH; i++) sink = fn();
      ops += BATCH;
      now = performance.now();
    } while (now < end);
  }
  if (sink === undefined) throw new Error(`${c.name} returned nothing`);
  return ((now - start) * 1e6) / ops;
}

/**
 * Run `cases` for `rounds` rounds of `timeMs` each (after one warm-up round of `warmupMs`).
 * @param {MicroCase[]} cases
 * @param {{ rounds: number, timeMs: number, warmupMs: number }} options
 * @returns {Promise<MicroResult[]>}
 */
export async function measure(cases, { rounds, timeMs, warmupMs }) {
  for (const c of cases) await runFor(c, warmupMs);
  /** @type {Map<string, number[]>} */
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order so no case always runs right after the same neighbour (GC debt, JIT state).
    const order = cases.map((_, i) => cases[(i + round) % cases.length]);
    for (const c of order) {
      if (c) samples.get(c.name)?.push(await runFor(c, timeMs));
    }
  }
  return cases.map((c) => {
    const s = samples.get(c.name) ?? [];
    return { name: c.name, nsPerOp: median(s), samples: s };
  });
}

/**
 * The median over rounds of `case / baseline` (paired per round).
 * @param {MicroResult} result @param {MicroResult} baseline
 */
export function pairedRatio(result, baseline) {
  return median(result.samples.map((v, i) => v / (baseline.samples[i] ?? Number.NaN)));
}
