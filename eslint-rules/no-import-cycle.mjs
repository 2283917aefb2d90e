// @ts-check
// An ESLint rule that reports every import (runtime or type-only) that closes a cycle between
// the source files of one package. eslint-plugin-import(-x)'s no-cycle skips type-only
// imports by design; a type cycle still ties two files together, so it counts here.
//
// The graph is built once per `src` directory with TypeScript's own import scanner
// (ts.preProcessFile: static, type-only, re-export and dynamic imports) and cached for
// the lint run. Relative specifiers are resolved the way the packages write them
// ('./x.js' → './x.ts'); bare specifiers leave the package and cannot form a cycle
// inside it (the dependency rule keeps the packages themselves acyclic).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** @type {Map<string, { files: Set<string>, edges: Map<string, Map<string, string>>, component: Map<string, number> }>} */
const graphs = new Map();

/** @param {string} dir @returns {string[]} */
const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });

/** @param {string} from @param {string} spec @param {Set<string>} files */
const resolveSpecifier = (from, spec, files) => {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, join(base, 'index.ts')];
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

/** @param {string} srcRoot */
const graphOf = (srcRoot) => {
  const cached = graphs.get(srcRoot);
  if (cached) return cached;
  const files = new Set(sourceFiles(srcRoot));
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
    docs: { description: 'Disallow import cycles (runtime or type-only) between the source files of a package.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}. Move the shared declaration to a module both can import.' },
  },
  create(context) {
    const file = context.physicalFilename;
    const at = file.lastIndexOf(`${sep}src${sep}`);
    if (at < 0 || !statSync(file, { throwIfNoEntry: false })?.isFile()) return {};
    const srcRoot = file.slice(0, at + 4);
    const g = graphOf(srcRoot);
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
