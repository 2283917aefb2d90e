/**
 * Looks for secrets in what a browser receives: every file under `.next/static` and every
 * response body recorded during the browser run (HTML, RSC payloads, JSON, scripts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  /** File path or response URL (never the secret itself). */
  where: string;
  /** The label of the secret, e.g. `client secret`. */
  what: string;
}

/** Secrets to look for, by label. Values shorter than 8 characters are refused (false hits). */
export type SecretList = Record<string, string>;

function assertUsable(secrets: SecretList): [string, string][] {
  const entries = Object.entries(secrets);
  for (const [label, value] of entries) {
    if (typeof value !== 'string' || value.length < 8) throw new Error(`secret-scan: "${label}" is missing or too short to scan for`);
  }
  return entries;
}

/** Secret shapes to look for, by label (for values the test cannot know, e.g. a user's token). */
export type SecretShapes = Record<string, RegExp>;

/**
 * The labels of every secret found in `text`: known values (also URL-encoded and base64
 * forms) and anything matching one of `shapes`.
 */
export function findSecrets(text: string, secrets: SecretList, shapes: SecretShapes = {}): string[] {
  const hits: string[] = [];
  for (const [label, value] of assertUsable(secrets)) {
    const forms = [value, encodeURIComponent(value), Buffer.from(value).toString('base64url'), Buffer.from(value).toString('base64')];
    if (forms.some((form) => text.includes(form))) hits.push(label);
  }
  for (const [label, shape] of Object.entries(shapes)) if (shape.test(text)) hits.push(label);
  return hits;
}

/** Every file below `dir`, recursively. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out;
}

/** Scan every file below `dir`; returns the findings and how many files were read. */
export function scanDirectory(dir: string, secrets: SecretList, shapes: SecretShapes = {}): { findings: Finding[]; files: number } {
  const files = listFiles(dir);
  const findings: Finding[] = [];
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    for (const what of findSecrets(text, secrets, shapes)) findings.push({ where: file, what });
  }
  return { findings, files: files.length };
}
