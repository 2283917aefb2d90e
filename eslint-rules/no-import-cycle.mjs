// @ts-check
// An ESLint rule that reports every import (runtime or type-only) that closes a cycle between
// the source files of one package. eslint-plugin-import(-x)'s no-cycle skips type-only
// imports by design; a type cycle still ties two files together, so it counts here.
//
// The graph is built once per root with TypeScript's own import scanner (ts.preProcessFile:
// static, type-only, re-export and dynamic imports) and cached for the lint run. A file's
// root is its package's `src` directory when it lives in one (test files are left out of
// that graph: they import src, never the reverse), else the nearest directory with a
// package.json, which is how the tools (plain .mjs, no src) and tests are covered. Files of
// the workspace root itself are not checked: their root would be the whole repository.
// Relative specifiers are resolved the way the packages write them ('./x.js' → './x.ts');
// bare specifiers leave the package and cannot form a cycle inside it (the dependency rule
// keeps the packages themselves acyclic).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** @type {Map<string, { files: Set<string>, edges: Map<string, Map<string, string>>, component: Map<string, number> }>} */
const graphs = new Map();

/** Build output, installs and caches: never sources, and some hold copies of them. */
const SKIP_DIRS = new Set(['node_modules', 'dist', '.next', '.nx', '.cache', '.tmp', 'coverage']);

/** @param {string} dir @param {boolean} withTests @returns {string[]} */
const sourceFiles = (dir, withTests) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(p, withTests);
    if (!/\.(?:[mc]?ts|tsx|[mc]?js)$/.test(e.name) || /\.d\.[mc]?ts$/.test(e.name)) return [];
    return withTests || !/\.test\.[mc]?[jt]sx?$/.test(e.name) ? [p] : [];
  });

/**
 * The graph root of a file: its package's `src`, else its package directory; undefined for
 * the workspace root's own files (the root package.json declares `workspaces`).
 * @param {string} file
 */
const rootOf = (file) => {
  const at = file.lastIndexOf(`${sep}src${sep}`);
  if (at >= 0) return { root: file.slice(0, at + 4), withTests: false };
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    return 'workspaces' in JSON.parse(readFileSync(manifest, 'utf8')) ? undefined : { root: dir, withTests: true };
  }
  return undefined;
};

/** @param {string} from @param {string} spec @param {Set<string>} files */
const resolveSpecifier = (from, spec, files) => {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts'), join(base, 'index.mjs'), join(base, 'index.js')];
  return candidates.find((c) => files.has(c));
};

/** Tarjan's strongly connected components; returns file → component id. @param {Map<string, Map<string, string>>} edges */
const components = (edges) => {
  /** @type {Map<string, number>} */ const index = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {Map<string, number>} */ const component = new Map();
  /** @type {string[]} */ const stack = [];
  let counter = 0;
  /** @param {string} v */
  const visit = (v) => {
    index.set(v, counter); low.set(v, counter); counter++;
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(w)))); }
      else if (!component.has(w)) low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (index.get(w))));
    }
    if (low.get(v) === index.get(v)) {
      let w;
      do { w = /** @type {string} */ (stack.pop()); component.set(w, index.get(v) ?? 0); } while (w !== v);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return component;
};

/** @param {string} srcRoot @param {boolean} withTests */
const graphOf = (srcRoot, withTests) => {
  const cached = graphs.get(srcRoot);
  if (cached) return cached;
  const files = new Set(sourceFiles(srcRoot, withTests));
  /** @type {Map<string, Map<string, string>>} file → (imported file → specifier) */
  const edges = new Map();
  for (const file of files) {
    const out = new Map();
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      const target = resolveSpecifier(file, fileName, files);
      if (target !== undefined) out.set(target, fileName);
    }
    edges.set(file, out);
  }
  const graph = { files, edges, component: components(edges) };
  graphs.set(srcRoot, graph);
  return graph;
};

/** The shortest path from `start` back to `goal` inside one component. @param {ReturnType<typeof graphOf>} g @param {string} start @param {string} goal */
const pathBack = (g, start, goal) => {
  const id = g.component.get(start);
  /** @type {Map<string, string | null>} */ const prev = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = /** @type {string} */ (queue.shift());
    if (v === goal) break;
    for (const w of g.edges.get(v)?.keys() ?? []) {
      if (!prev.has(w) && g.component.get(w) === id) { prev.set(w, v); queue.push(w); }
    }
  }
  /** @type {string[]} */ const path = [];
  for (let v = /** @type {string | null | undefined} */ (goal); v; v = prev.get(v)) path.unshift(v);
  return path;
};

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow import cycles (runtime or type-only) between the files of a package (its src, or the whole package when it has none).' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move the shared declaration to a module both can import.' },
  },
  create(context) {
    const file = context.physicalFilename;
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return {};
    const where = rootOf(file);
    if (where === undefined) return {};
    const srcRoot = where.root;
    const g = graphOf(srcRoot, where.withTests);
    const own = g.component.get(file);
    if (own === undefined) return {};
    /** @param {any} node */
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string') return;
      const target = resolveSpecifier(file, spec, g.files);
      if (target === undefined || g.component.get(target) !== own) return;
      const cycle = [file, ...pathBack(g, target, file)].map((p) => relative(srcRoot, p)).join(' → ');
      context.report({ node, messageId: 'cycle', data: { cycle } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
