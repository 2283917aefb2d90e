// Entry of the edge-runtime run: edge-runtime evaluates scripts, not modules (as Vercel's own
// edge bundles are), so this is bundled as an IIFE that leaves the scenario on a global.
import { runScenario } from './scenario.mjs';

/** @type {{ __runTrackerScenario?: (input: string) => Promise<string> }} */ (/** @type {unknown} */ (globalThis)).__runTrackerScenario = async (
  input,
) => JSON.stringify(await runScenario(JSON.parse(input)));
