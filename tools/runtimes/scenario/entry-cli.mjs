// Entry of the Deno and Bun runs: the scenario input comes as one base64url JSON argument (no
// env or file permissions needed), the result goes to stdout as one marked JSON line.
import { runScenario } from './scenario.mjs';

const g = /** @type {{ Deno?: { args: string[] }, process?: { argv: string[] } }} */ (/** @type {unknown} */ (globalThis));
const arg = g.Deno ? g.Deno.args[0] : g.process?.argv[2];
if (!arg) throw new Error('usage: <runtime> scenario.mjs <base64url JSON input>');
const bytes = Uint8Array.from(atob(arg.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const result = await runScenario(JSON.parse(new TextDecoder().decode(bytes)));
console.log(`SCENARIO_RESULT ${JSON.stringify(result)}`);
