// @ts-check
// Every public name of a package appears in that package's README, so the README's API section
// covers the whole export list (core pins its three entries with its own export-list test,
// against its README's API section). Every entry of the package's `exports` map counts, found
// the way dev-resolution.mjs finds it (the `src` file tsup builds into the subpath's `dist`
// file). A package with a `bin` is also held to its command line: every command and every flag
// its source declares, read from the source's commander calls (`.command('x')`, `.option('--y')`,
// `new Option('--z')`, `.version(…, '-v, --version')`) or `node:util` `parseArgs({ options })`,
// appears as code in the README. A declaration the check cannot read as a literal is reported,
// not skipped, so the check cannot pass by not looking. A name added without a word in its
// README fails here, naming the package and the name.
//
// Usage: node tools/workspace-checks/readme-exports.mjs   (exit 1 and a list on a missing name)
import { readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { expectedPaths } from './dev-resolution.mjs';

/** The packages whose README must name every export of every entry (and, with a `bin`, every command and flag). */
export const PACKAGES = ['express', 'nestjs', 'next', 'redis', 'testing', 'cli'];

/**
 * Names of `names` that `readme` never mentions as code (in backticks, alone or as the start of
 * a call or member such as `trackerAuth(options)` or `TrackerService.client`).
 * @param {string} readme
 * @param {string[]} names
 */
export function unmentioned(readme, names) {
  const mentioned = new Set([...readme.matchAll(/`@?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  return names.filter((name) => !mentioned.has(name));
}

/** @param {string} file */
const createProgram = (file) =>
  ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });

/**
 * Every name `file` exports (values and types), as the compiler sees it.
 * @param {string} file
 */
export function exportedNames(file) {
  const program = createProgram(file);
  const source = program.getSourceFile(file);
  const symbol = source && program.getTypeChecker().getSymbolAtLocation(source);
  if (!symbol) throw new Error(`readme-exports: cannot read the exports of ${file}`);
  return program.getTypeChecker().getExportsOfModule(symbol).map((s) => s.name);
}

/**
 * The source file of every importable entry of a package (`./package.json` left out), keyed by
 * specifier, derived from the `exports` map as dev-resolution.mjs derives it.
 * @param {string} dir the package folder (absolute)
 * @param {{ name: string, exports?: unknown }} manifest
 * @returns {Map<string, string>} specifier → absolute source file
 */
export function entrySources(dir, manifest) {
  const { map, problems } = expectedPaths([{ dir: dir.split('\\').join('/'), name: manifest.name, exports: manifest.exports ?? {} }]);
  if (problems.length > 0) throw new Error(`readme-exports: ${problems.join('; ')}`);
  return map;
}

/**
 * The source file of every command of a package's `bin` (`./dist/cli.js` → `src/cli.ts`).
 * @param {string} dir the package folder (absolute)
 * @param {{ name: string, bin?: string | Record<string, string> }} manifest
 * @returns {Map<string, string>} command name → absolute source file
 */
export function binSources(dir, manifest) {
  const bins = typeof manifest.bin === 'string' ? { [manifest.name.replace(/^@[^/]+\//, '')]: manifest.bin } : (manifest.bin ?? {});
  /** @type {Map<string, string>} */
  const map = new Map();
  for (const [command, target] of Object.entries(bins)) {
    const stem = target.match(/^(?:\.\/)?dist\/(.+)\.(?:m|c)?js$/)?.[1];
    if (stem === undefined) throw new Error(`readme-exports: ${manifest.name} bin "${command}" (${target}) is not a dist/<name>.js file to derive its source from`);
    map.set(command, posix.join(dir.split('\\').join('/'), 'src', `${stem}.ts`));
  }
  return map;
}

/** The text of a literal argument, or undefined when it is computed. @param {ts.Node | undefined} node */
const literal = (node) => (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined);

/** A property's written name (`port`, `'key-dir'`), or undefined when computed. @param {ts.PropertyName | undefined} name */
const propertyName = (name) => (name && ts.isIdentifier(name) ? name.text : literal(name));

/** `--long` when the flags string has one, else its short flag: '-v, --version' → '--version'. @param {string} flags */
const mainFlag = (flags) => {
  const all = flags.match(/(?<![\w-])--?[A-Za-z][\w-]*/g) ?? [];
  return all.find((f) => f.startsWith('--')) ?? all[0];
};

/** Where `node` is, for a message: `src/program.ts:42`. @param {ts.Node} node @param {ts.SourceFile} file @param {string} base */
const where = (node, file, base) => {
  return `${relative(base, file.fileName).split('\\').join('/')}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
};

/** Names a file imports from `module` (named imports, by local name). @param {ts.SourceFile} file @param {string[]} modules */
const importsFrom = (file, modules) => {
  /** @type {Set<string>} */
  const names = new Set();
  let any = false;
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !modules.includes(statement.moduleSpecifier.text)) continue;
    any = true;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) names.add(el.name.text);
  }
  return { any, names };
};

/**
 * The command line a bin declares: the commands and flags of its commander program, or the
 * options of its `parseArgs` call, read from every file of the package's `src` that the bin's
 * source reaches. Only files importing `commander` are read for commander calls, and only
 * `parseArgs` imported from `node:util` counts, so an unrelated `.option()` is not taken for a
 * flag. Commander's own `--help` is not listed (the source does not declare it).
 * @param {string} binSource absolute path of the bin's source file
 * @param {string} srcDir absolute path of the package's `src` folder
 * @returns {{ commands: string[], flags: string[], problems: string[] }}
 */
export function cliSurface(binSource, srcDir) {
  const base = join(srcDir, '..');
  const prefix = `${srcDir.split('\\').join('/').replace(/\/$/, '')}/`;
  const files = createProgram(binSource).getSourceFiles().filter((f) => f.fileName.startsWith(prefix) && !f.isDeclarationFile);
  if (!files.some((f) => f.fileName === binSource.split('\\').join('/'))) throw new Error(`readme-exports: cannot read the bin source ${binSource}`);
  /** @type {Set<string>} */
  const commands = new Set();
  /** @type {Set<string>} */
  const flags = new Set();
  /** @type {string[]} */
  const problems = [];
  for (const file of files) {
    const commander = importsFrom(file, ['commander']);
    const util = importsFrom(file, ['node:util', 'util']);
    /** @param {ts.Node | undefined} arg @param {ts.Node} at @param {string} what */
    const addFlag = (arg, at, what) => {
      const text = literal(arg);
      const flag = text === undefined ? undefined : mainFlag(text);
      if (flag === undefined) problems.push(`${where(at, file, base)}: ${what} is not a literal flags string; the check cannot read it`);
      else flags.add(flag);
    };
    /** @param {ts.Node} node */
    const visit = (node) => {
      if (commander.any && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Option' && commander.names.has('Option')) {
        addFlag(node.arguments?.[0], node, 'new Option(…)');
      }
      if (commander.any && ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        if (method === 'command') {
          const name = literal(node.arguments[0])?.split(/\s/)[0];
          if (name) commands.add(name);
          else problems.push(`${where(node, file, base)}: .command(…) has no literal name; the check cannot read it`);
        } else if (method === 'option' || method === 'requiredOption') {
          addFlag(node.arguments[0], node, `.${method}(…)`);
        } else if (method === 'version') {
          if (node.arguments.length < 2) flags.add('--version');
          else addFlag(node.arguments[1], node, '.version(…, flags)');
        }
      }
      if (util.names.has('parseArgs') && ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'parseArgs') {
        const config = node.arguments[0];
        const options = config && ts.isObjectLiteralExpression(config)
          ? config.properties.find((p) => ts.isPropertyAssignment(p) && propertyName(p.name) === 'options')
          : undefined;
        if (!options || !ts.isPropertyAssignment(options) || !ts.isObjectLiteralExpression(options.initializer)) {
          problems.push(`${where(node, file, base)}: parseArgs(…) has no literal { options: { … } }; the check cannot read it`);
        } else {
          for (const option of options.initializer.properties) {
            const name = propertyName(option.name);
            if (name === undefined) problems.push(`${where(option, file, base)}: a parseArgs option with a computed name; the check cannot read it`);
            else flags.add(`--${name}`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { commands: [...commands].sort(), flags: [...flags].sort(), problems };
}

/**
 * Everything `readme` writes as code: fenced blocks and inline code spans.
 * @param {string} readme
 */
export function codeOf(readme) {
  const fenced = [...readme.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1] ?? '');
  const rest = readme.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const inline = [...rest.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
  return { fenced, inline };
}

/**
 * Flags of `flags` that `readme` never writes as code (a code span or a fenced block), and
 * commands of `commands` it never shows: as `<bin> <command>` in code, or as a code span that
 * starts with the command (a commands table's `login [--org-id ID]`).
 * @param {string} readme
 * @param {string} bin
 * @param {{ commands: string[], flags: string[] }} surface
 */
export function unmentionedCli(readme, bin, { commands, flags }) {
  const { fenced, inline } = codeOf(readme);
  const code = [...fenced, ...inline].join('\n');
  const written = new Set(code.match(/(?<![\w-])--?[A-Za-z][\w-]*/g) ?? []);
  const escape = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const shown = (/** @type {string} */ command) =>
    new RegExp(`(?<![\\w-])${escape(bin)}\\s+${escape(command)}(?![\\w-])`).test(code) || inline.some((span) => new RegExp(`^${escape(command)}(?![\\w-])`).test(span));
  return { commands: commands.filter((c) => !shown(c)), flags: flags.filter((f) => !written.has(f)) };
}

/**
 * What the README of one package leaves out: exports of any entry, and with a `bin`, commands
 * and flags. Empty when complete.
 * @param {string} dir the package folder (absolute)
 * @returns {string[]}
 */
export function checkPackage(dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const problems = [];
  /** @type {Set<string>} */
  const names = new Set();
  for (const source of entrySources(dir, manifest).values()) for (const name of exportedNames(source)) names.add(name);
  const missing = unmentioned(readme, [...names]);
  if (missing.length > 0) problems.push(`${manifest.name}: README.md never names ${missing.map((n) => `\`${n}\``).join(', ')}`);
  for (const [bin, source] of binSources(dir, manifest)) {
    const surface = cliSurface(source, join(dir, 'src'));
    problems.push(...surface.problems.map((p) => `${manifest.name} (${bin}): ${p}`));
    const left = unmentionedCli(readme, bin, surface);
    if (left.commands.length > 0) problems.push(`${manifest.name}: README.md never shows the command(s) ${left.commands.map((c) => `\`${bin} ${c}\``).join(', ')}`);
    if (left.flags.length > 0) problems.push(`${manifest.name}: README.md never writes the ${bin} flag(s) ${left.flags.map((f) => `\`${f}\``).join(', ')}`);
  }
  return problems;
}

function main() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const problems = PACKAGES.flatMap((name) => checkPackage(join(root, 'packages', name)));
  if (problems.length > 0) {
    console.error(`Exports, commands or flags missing from their package README (document them, or stop exporting them):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`readme-exports: every export, command and flag of ${PACKAGES.length} packages is named in its README`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
