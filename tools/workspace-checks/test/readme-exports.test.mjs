// @ts-check
// The README check on fixtures: a name counts only when the README writes it as code; every
// entry of the exports map counts; a bin's commands and flags are read from its source.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkPackage, cliSurface, unmentioned, unmentionedCli } from '../readme-exports.mjs';

const dual = (/** @type {string} */ stem) => ({
  import: { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` },
  require: { types: `./dist/${stem}.d.cts`, default: `./dist/${stem}.cjs` },
});

const roots = /** @type {string[]} */ ([]);
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A package folder in a temp dir with these files (paths relative to the package). @param {Record<string, string | object>} files */
function fixture(files) {
  const dir = mkdtempSync(join(tmpdir(), 'readme-exports-'));
  roots.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const COMMANDER_PROGRAM = `import { Command, Option } from 'commander';
export function build(): Command {
  const program = new Command('tool').version('1.0.0', '-v, --version');
  program.command('login').option('--org-id <id>', 'org').option('-q', 'quiet, short only').action(() => {});
  program.command('whoami [name]').addOption(new Option('--format <format>', 'how').choices(['json'])).action(() => {});
  return program;
}
`;

describe('readme-exports', () => {
  it('reports exported names the README never writes as code', () => {
    const readme = 'Use `trackerAuth(options)` and `TrackerService.client`; see `@InjectTrackerClient()`.\nThe plain word trackerProxy does not count.';
    assert.deepEqual(unmentioned(readme, ['trackerAuth', 'TrackerService', 'InjectTrackerClient', 'trackerProxy', 'TrackerSignIn']), ['trackerProxy', 'TrackerSignIn']);
  });

  it('does not take a longer name for a shorter one', () => {
    assert.deepEqual(unmentioned('`TrackerSignInOptions`', ['TrackerSignIn']), ['TrackerSignIn']);
  });

  it('checks the exports of every entry of the exports map, values and types', () => {
    const dir = fixture({
      'package.json': { name: '@fixture/multi', exports: { '.': dual('index'), './node': dual('node'), './package.json': './package.json' } },
      'src/index.ts': "export function main(): void {}\nexport type MainOptions = { a: number };\n",
      'src/node.ts': "export { readKey } from './read-key.js';\nexport interface KeyFile { path: string }\n",
      'src/read-key.ts': 'export function readKey(): string { return ""; }\n',
      'README.md': '## API\n\n`main(options)` with `MainOptions`; `readKey()` from the node entry. KeyFile in prose only.\n',
    });
    assert.deepEqual(checkPackage(dir), ['@fixture/multi: README.md never names `KeyFile`']);
  });

  it('passes a package whose only export is package.json and that has no bin', () => {
    const dir = fixture({ 'package.json': { name: '@fixture/none', exports: { './package.json': './package.json' } }, 'README.md': '# none\n' });
    assert.deepEqual(checkPackage(dir), []);
  });

  it('reads the commands and flags of a commander program the bin reaches', () => {
    const dir = fixture({ 'src/cli.ts': "import { build } from './program.js';\nawait build().parseAsync();\n", 'src/program.ts': COMMANDER_PROGRAM });
    assert.deepEqual(cliSurface(join(dir, 'src', 'cli.ts'), join(dir, 'src')), {
      commands: ['login', 'whoami'],
      flags: ['--format', '--org-id', '--version', '-q'],
      problems: [],
    });
  });

  it('ignores .option() and .command() in files that do not import commander', () => {
    const dir = fixture({ 'src/cli.ts': "const db = { option: (s: string) => s, command: (s: string) => s };\ndb.option('--not-a-flag');\ndb.command('not-a-command');\n" });
    assert.deepEqual(cliSurface(join(dir, 'src', 'cli.ts'), join(dir, 'src')), { commands: [], flags: [], problems: [] });
  });

  it('reads the options of a node:util parseArgs call', () => {
    const dir = fixture({
      'src/cli.ts': "import { parseArgs } from 'node:util';\nparseArgs({ options: { port: { type: 'string' }, 'key-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });\n",
    });
    assert.deepEqual(cliSurface(join(dir, 'src', 'cli.ts'), join(dir, 'src')), { commands: [], flags: ['--help', '--key-dir', '--port'], problems: [] });
  });

  it('reports a flag or command it cannot read instead of skipping it', () => {
    const dir = fixture({
      'src/cli.ts': "import { Command } from 'commander';\nimport { parseArgs } from 'node:util';\nconst flags = '--x';\nconst name = 'go';\nnew Command().command(name).option(flags, 'x');\nconst options = {};\nparseArgs({ options });\n",
    });
    const { problems } = cliSurface(join(dir, 'src', 'cli.ts'), join(dir, 'src'));
    assert.deepEqual(problems.map((p) => p.replace(/: .*/, '')), ['src/cli.ts:5', 'src/cli.ts:5', 'src/cli.ts:7']);
  });

  it('counts a flag or command only when the README writes it as code', () => {
    const readme = [
      '| command | |',
      '| --- | --- |',
      '| `login [--org-id ID]` | signs in |',
      '',
      'Plain prose about whoami and --format does not count; neither does `relogin`.',
      '',
      '```sh',
      'tool --version',
      '```',
    ].join('\n');
    assert.deepEqual(unmentionedCli(readme, 'tool', { commands: ['login', 'whoami', 'logout'], flags: ['--format', '--org-id', '--version', '-q'] }), {
      commands: ['whoami', 'logout'],
      flags: ['--format', '-q'],
    });
    assert.deepEqual(unmentionedCli('```sh\nnpx tool whoami --format json\n```\n`-q`', 'tool', { commands: ['whoami', 'who'], flags: ['--format', '-q'] }), {
      commands: ['who'],
      flags: [],
    });
  });

  it('checks a bin against the README: a missing command and a missing flag are named', () => {
    const dir = fixture({
      'package.json': { name: '@fixture/cli', bin: { tool: './dist/cli.js' }, exports: { './package.json': './package.json' } },
      'src/cli.ts': "import { build } from './program.js';\nawait build().parseAsync();\n",
      'src/program.ts': COMMANDER_PROGRAM,
      'README.md': '`tool login --org-id 1 -q`, `tool --version`.\n',
    });
    assert.deepEqual(checkPackage(dir), [
      '@fixture/cli: README.md never shows the command(s) `tool whoami`',
      '@fixture/cli: README.md never writes the tool flag(s) `--format`',
    ]);
  });
});
