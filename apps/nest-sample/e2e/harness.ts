/** E2E harness: the built sample as a real process (`node dist/main.js`), on a port of its own. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runToExit, startProcess } from '@tracker-auth-tools/test-harness';

export { cookiesOf, freePort } from '@tracker-auth-tools/test-harness';

// The sample is a CommonJS package, so its tests are too (vitest provides __dirname).
export const appDir = join(__dirname, '..');
const entry = join(appDir, 'dist', 'main.js');

export interface SampleProcess {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** The HTTP platform of this test project (vitest.config.ts runs the suite on both). */
export const platform = process.env.NEST_PLATFORM === 'fastify' ? 'fastify' : 'express';

/** Only what the test passes (and the project's platform): a developer's own TRACKER_* variables must not leak in. */
function sampleEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the sample first (npx nx run nest-sample:build)`);
  return { PATH: process.env.PATH ?? '', NO_COLOR: '1', NEST_PLATFORM: platform, ...env };
}

/** Start the sample and wait for its "listening on" line. */
export async function startSample(env: Record<string, string>): Promise<SampleProcess> {
  const sample = startProcess(process.execPath, [entry], { cwd: appDir, env: sampleEnv(env), name: 'nest-sample' });
  const [, url] = await sample.waitForOutput(/listening on (http:\/\/\S+)/);
  return { url: url!, output: sample.output, stop: sample.stop };
}

/** Start the sample expecting it to refuse to boot; resolves with its exit code and output. */
export async function failingSample(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // A sample that boots anyway is stopped, and the test sees its exit by signal (code null).
  const { code, output } = await runToExit(process.execPath, [entry], { cwd: appDir, env: sampleEnv(env), timeoutMs: 20_000, timeoutSignal: 'SIGTERM' });
  return { code, output };
}
