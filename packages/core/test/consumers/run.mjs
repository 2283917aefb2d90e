// Consumer check of the BUILT @tracker-auth/core: import (ESM) in this process, require (CJS)
// in a child process, a sealed value crossing between the two, and a scan proving that the
// default entry pulls in no `node:` module (docs/architecture.md principle 1), and the declarations in a
// strict CommonJS TypeScript project. Run after `npm run build`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runReadmeExamples } from './readme-examples.mjs';
import { checkCjsTypes } from './types-cjs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { runChecks } = require('./checks.cjs');

const core = await import('@tracker-auth/core');
assert.ok(import.meta.resolve('@tracker-auth/core').endsWith('/dist/index.js'), 'import resolves to the ESM build');
const adapter = await import('@tracker-auth/core/adapter');
const sealed = await runChecks(core, adapter, 'import');
console.log('core consumer (import): ok');

execFileSync(process.execPath, [join(here, 'consume.cjs')], {
  stdio: 'inherit',
  env: { ...process.env, SEALED_BY_ESM: sealed },
});

// Walk the static import graph of both default-entry builds: no node: specifier may appear.
function nodeImports(entry) {
  const seen = new Set();
  const found = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s*|import\s*\(?\s*|require\(\s*)["']([^"']+)["']/g)) {
      const specifier = match[1];
      if (specifier.startsWith('node:')) found.push(`${file}: ${specifier}`);
      else if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
    }
  };
  visit(entry);
  return found;
}
const distIndex = fileURLToPath(import.meta.resolve('@tracker-auth/core'));
for (const name of ['index', 'adapter']) {
  for (const entry of [join(dirname(distIndex), `${name}.js`), join(dirname(distIndex), `${name}.cjs`)]) {
    assert.deepEqual(nodeImports(entry), [], `the web-standard entry ${entry} imports no node: module`);
  }
}
console.log('core default and adapter entries: no node: imports');

runReadmeExamples();

checkCjsTypes();
console.log('core types: CommonJS projects (node16, and node10 through typesVersions; skipLibCheck: false) type-check against dist/*.d.cts');
