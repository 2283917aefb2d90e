#!/usr/bin/env node
// README.md is generated from readme/*.md (one file per area, so each area's examples can be
// run by its own tests). `node scripts/build-readme.mjs` writes it; `--check` fails when stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = join(here, '..', 'readme');
const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
const sections = files.map((f) => readFileSync(join(dir, f), 'utf8').trim());
const slug = (title) => title.toLowerCase().replace(/[`:(),?!.{}/]/g, '').trim().replace(/\s+/g, '-');
const contents = sections
  .slice(1)
  .map((s) => /^## (.+)$/m.exec(s)?.[1])
  .filter(Boolean)
  .map((t) => `- [${t.replace(/`/g, '')}](#${slug(t)})`)
  .join('\n');
const banner = '<!-- Generated from readme/*.md by scripts/build-readme.mjs: edit those files. -->';
const text = `${banner}\n\n${sections[0].replace('<!-- contents -->', contents)}\n\n${sections.slice(1).join('\n\n')}\n`;
const target = join(here, '..', 'README.md');
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing */
  }
  if (current !== text) {
    console.error('packages/core/README.md is stale: run `node packages/core/scripts/build-readme.mjs`.');
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
