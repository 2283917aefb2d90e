// Runs every ```js example of the README sections of the offline area against the BUILT
// package, each in its own Node process, so the documented code keeps working as written.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECTIONS = ['10-headers.md', '20-oauth-builders.md', '30-sessions.md', '95-errors.md'];

/** @returns {{ file: string, index: number, code: string }[]} */
export function readmeExamples() {
  const examples = [];
  for (const file of SECTIONS) {
    const text = readFileSync(join(packageDir, 'readme', file), 'utf8');
    let index = 0;
    for (const match of text.matchAll(/^```js\n([\s\S]*?)^```$/gm)) examples.push({ file, index: index++, code: match[1] });
  }
  return examples;
}

export function runReadmeExamples() {
  const examples = readmeExamples();
  assert.ok(examples.length >= 6, 'the README sections have runnable examples');
  // The examples read a few optional variables; run them with those unset, as a fresh reader would.
  const env = { ...process.env };
  for (const name of ['TRACKER_ORG_ID', 'TRACKER_CLOUD_ORG_ID', 'SESSION_SECRET']) delete env[name];
  for (const { file, index, code } of examples) {
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: packageDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const stderr = String(error.stderr ?? '');
      throw new Error(`README example ${file} #${index + 1} failed:\n${stderr}`);
    }
  }
  console.log(`core README examples: ${examples.length} ran`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) runReadmeExamples();
