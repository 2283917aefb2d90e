/**
 * The export lists of core's entries are chosen, not grown: each entry's names (values and
 * types) must equal the list of the README's "API" section, and the application entry stays
 * small enough to hold in one's head. Adding or removing a name means editing that list.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = {
  '@tracker-auth/core': 'src/index.ts',
  '@tracker-auth/core/adapter': 'src/adapter.ts',
  '@tracker-auth/core/node': 'src/node.ts',
} as const;

/** Every name an entry exports, types included, as the compiler sees it. */
function exportedNames(): Record<keyof typeof ENTRIES, string[]> {
  const files = Object.values(ENTRIES).map((file) => `${packageDir}${file}`);
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out = {} as Record<keyof typeof ENTRIES, string[]>;
  for (const [entry, file] of Object.entries(ENTRIES) as [keyof typeof ENTRIES, string][]) {
    const source = program.getSourceFile(`${packageDir}${file}`);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`cannot read the exports of ${file}`);
    out[entry] = checker.getExportsOfModule(symbol).map((s) => s.name).sort();
  }
  return out;
}

/** The names listed under `### \`<entry>\`` in the README's API section. */
function documentedNames(): Record<string, string[]> {
  const readme = readFileSync(`${packageDir}README.md`, 'utf8');
  const api = readme.slice(readme.indexOf('\n## API\n'));
  const out: Record<string, string[]> = {};
  for (const part of api.split(/\n### /).slice(1)) {
    const entry = /^`([^`]+)`/.exec(part)?.[1];
    if (!entry) continue;
    const names = [...part.slice(part.indexOf('\n')).matchAll(/`([A-Za-z_$][\w$]*)`/g)].map((m) => m[1]!);
    out[entry] = [...new Set(names)].sort();
  }
  return out;
}

describe('export lists', () => {
  const actual = exportedNames();
  const documented = documentedNames();

  it.each(Object.keys(ENTRIES))('%s exports exactly what the README API section lists', (entry) => {
    const listed = documented[entry] ?? [];
    const exported = actual[entry as keyof typeof ENTRIES];
    expect({ missingFromReadme: exported.filter((n) => !listed.includes(n)), notExported: listed.filter((n) => !exported.includes(n)) }).toEqual({
      missingFromReadme: [],
      notExported: [],
    });
  });

  it('keeps the application entry at 100 names or fewer, and every name in one entry only', () => {
    expect(actual['@tracker-auth/core'].length).toBeLessThanOrEqual(100);
    const all = Object.values(actual).flat();
    expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
  });
});
