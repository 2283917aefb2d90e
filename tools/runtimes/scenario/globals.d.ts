/** The scenario input, bundled into entry-worker-global.mjs as a constant (esbuild `define`). */
declare const SCENARIO_INPUT: unknown;
