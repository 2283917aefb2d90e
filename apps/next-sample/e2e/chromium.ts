/**
 * Debian's Chromium (`/usr/bin/chromium`) through playwright-core, shared by the browser tests:
 * the binary, its flags for a headless container, and the rule that only a developer machine
 * without it may skip (in CI a missing browser is a failure).
 */
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const inCI = process.env.CI === 'true' || process.env.CI === '1';
export const haveChromium = existsSync(CHROMIUM);

/** `describe`, or `describe.skip` (said loudly, in the title and on stderr) without Chromium outside CI. */
export function browserSuite(name: string): { suite: typeof describe | typeof describe.skip; title: string } {
  if (haveChromium || inCI) return { suite: describe, title: name };
  console.warn(`next-sample e2e: SKIPPING "${name}": ${CHROMIUM} not found (apt-get install -y chromium)`);
  return { suite: describe.skip, title: `${name} — SKIPPED: ${CHROMIUM} not found (install it: apt-get install -y chromium)` };
}

/** Launch Chromium; in CI without it, fail with the fix. */
export function launchChromium(): Promise<Browser> {
  if (!haveChromium) throw new Error(`CI=true but ${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
