// @ts-check
// Adapters only translate; a rule they share lives in core once. This check finds blocks of
// MIN_LINES or more consecutive lines that occur in the sources of two different adapter
// packages, which is what a rule copied from one adapter into another looks like.
//
// Lines are compared trimmed, so indentation does not hide a copy. Blank lines, lines of
// punctuation only (`});`, `],`, ` */`) and import / re-export-from statements are skipped
// before windows are formed: every adapter has those shapes, and they carry no rule.
//
// Usage: node tools/workspace-checks/adapter-copies.mjs   (exit 1 and a file:line list on a copy)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Six lines: long enough that a match is a copied rule, short enough to catch one. */
export const MIN_LINES = 6;

/** The packages compared with each other (their `src`, test files excluded). */
export const ADAPTERS = ['express', 'nestjs', 'next'];

const TRIVIAL = /^[\s{}()[\];,*/]*$/;
const IMPORT_START = /^(import\b|export\s+(type\s+)?(\*|\{)[^;]*$|export\s+(type\s+)?(\*|\{).*\bfrom\s)/;
const STATEMENT_END = /\bfrom\s+['"][^'"]+['"];?$|^import\s+['"][^'"]+['"];?$/;

/**
 * The lines that count, with their 1-based line numbers: trimmed, without blanks, punctuation-
 * only lines and import / `export … from` statements (including multi-line ones).
 * @param {string} text
 * @returns {{ text: string, line: number }[]}
 */
export function significantLines(text) {
  /** @type {{ text: string, line: number }[]} */
  const out = [];
  let inImport = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (inImport) {
      if (STATEMENT_END.test(line) || line.endsWith(';')) inImport = false;
      return;
    }
    if (IMPORT_START.test(line)) {
      // `export { a, b };` (no `from`) is a local export list, not an import: it ends here.
      if (!STATEMENT_END.test(line) && !line.endsWith(';')) inImport = true;
      return;
    }
    if (TRIVIAL.test(line)) return;
    out.push({ text: line, line: i + 1 });
  });
  return out;
}

/**
 * @typedef {{ pkg: string, path: string, text: string }} SourceFile
 * @typedef {{ a: { path: string, from: number, to: number }, b: { path: string, from: number, to: number }, lines: number }} Copy
 */

/**
 * Every maximal block of `minLines`+ significant lines shared by files of two different
 * packages. A block that recurs is reported once per pair of places.
 * @param {SourceFile[]} files
 * @param {number} [minLines]
 * @returns {Copy[]}
 */
export function findCopies(files, minLines = MIN_LINES) {
  const lines = files.map((f) => significantLines(f.text));
  /** @type {Map<string, { file: number, at: number }[]>} window text → where it starts */
  const windows = new Map();
  lines.forEach((ls, file) => {
    for (let at = 0; at + minLines <= ls.length; at++) {
      const key = ls.slice(at, at + minLines).map((l) => l.text).join('\n');
      const list = windows.get(key) ?? [];
      list.push({ file, at });
      windows.set(key, list);
    }
  });
  /** @type {Map<string, Set<string>>} "fileA:fileB" → set of "atA:atB" window matches */
  const matches = new Map();
  for (const places of windows.values()) {
    for (let i = 0; i < places.length; i++) {
      for (let j = i + 1; j < places.length; j++) {
        const [p, q] = /** @type {[{ file: number, at: number }, { file: number, at: number }]} */ ([places[i], places[j]]);
        if (files[p.file]?.pkg === files[q.file]?.pkg) continue;
        const [x, y] = p.file < q.file ? [p, q] : [q, p];
        const pair = `${x.file}:${y.file}`;
        const set = matches.get(pair) ?? new Set();
        set.add(`${x.at}:${y.at}`);
        matches.set(pair, set);
      }
    }
  }
  /** @type {Copy[]} */
  const copies = [];
  for (const [pair, set] of matches) {
    const [fa, fb] = pair.split(':').map(Number);
    const la = lines[/** @type {number} */ (fa)] ?? [];
    const lb = lines[/** @type {number} */ (fb)] ?? [];
    // Consecutive window matches on one diagonal are one block: report its start and end only.
    for (const m of set) {
      const [a, b] = m.split(':').map(Number);
      if (set.has(`${/** @type {number} */ (a) - 1}:${/** @type {number} */ (b) - 1}`)) continue;
      let n = 1;
      while (set.has(`${/** @type {number} */ (a) + n}:${/** @type {number} */ (b) + n}`)) n++;
      const len = n + minLines - 1;
      const span = (/** @type {{ line: number }[]} */ ls, /** @type {number} */ at) => ({
        from: /** @type {{ line: number }} */ (ls[at]).line,
        to: /** @type {{ line: number }} */ (ls[at + len - 1]).line,
      });
      copies.push({
        a: { path: /** @type {SourceFile} */ (files[/** @type {number} */ (fa)]).path, ...span(la, /** @type {number} */ (a)) },
        b: { path: /** @type {SourceFile} */ (files[/** @type {number} */ (fb)]).path, ...span(lb, /** @type {number} */ (b)) },
        lines: len,
      });
    }
  }
  return copies.sort((x, y) => x.a.path.localeCompare(y.a.path) || x.a.from - y.a.from);
}

/** @param {string} dir @returns {string[]} */
const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });

/**
 * The adapters' sources as they are in the workspace.
 * @param {string} root the workspace root
 * @returns {SourceFile[]}
 */
export function readAdapterSources(root) {
  return ADAPTERS.flatMap((pkg) => {
    const files = sourceFiles(join(root, 'packages', pkg, 'src'));
    // An empty or moved tree would make the check pass without comparing anything.
    if (files.length === 0) throw new Error(`adapter-copies: no sources found in packages/${pkg}/src`);
    return files.map((path) => ({ pkg, path: relative(root, path), text: readFileSync(path, 'utf8') }));
  });
}

/** @param {Copy} c */
export const formatCopy = (c) => `${c.a.path}:${c.a.from}-${c.a.to}  ≡  ${c.b.path}:${c.b.from}-${c.b.to}  (${c.lines} lines)`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const copies = findCopies(readAdapterSources(root));
  if (copies.length === 0) {
    console.log(`adapter-copies: no block of ${MIN_LINES}+ lines shared by ${ADAPTERS.join(', ')}.`);
  } else {
    console.error(`adapter-copies: ${copies.length} block(s) of ${MIN_LINES}+ lines copied between adapters; move the rule into core and call it from each:`);
    for (const c of copies) console.error(`  ${formatCopy(c)}`);
    process.exitCode = 1;
  }
}
