/**
 * The `tracker-auth` command line: commander wiring of the commands, their options and help,
 * and the one place where errors become messages and exit codes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRACKER_ENV } from '@tracker-auth/core';
import { Command, CommanderError, Option } from 'commander';
import { fake, FAKE_HELP } from './commands/fake.js';
import { iamToken } from './commands/iam-token.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { HEADER_FORMATS, headers, token, whoami } from './commands/user-commands.js';
import { printJson, type CliContext } from './context.js';
import { EXIT, errorJson, errorText, exitCodeFor } from './errors.js';
import { CLI_ENV } from './settings.js';

const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    failed (network, upstream outage, unexpected answer)
  2    usage: bad option or setting, missing client id, wrong seal key
  3    not logged in (no login stored, or it can no longer be refreshed)
  4    refused: the code was denied or expired, or Tracker rejected the token
  130  interrupted (Ctrl+C)

Login file: $${CLI_ENV.configHome}/tracker-auth/login.json (default ~/.config/tracker-auth/login.json),
mode 0600; sealed with --seal-key / ${CLI_ENV.sealKey} when given.`;

/** This package's version, read from its package.json next to `dist/`. */
function version(): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 3; i++, dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@tracker-auth/cli' && pkg.version) return pkg.version;
    }
  } catch {
    // fall through: a bundled copy without its package.json
  }
  return 'unknown';
}

type Upstream = 'oauth' | 'tracker' | 'iam';

/** The options a command accepts, each documented with its environment variable. */
function withOptions(cmd: Command, groups: { org?: boolean; client?: boolean; seal?: boolean; urls?: Upstream[] }): Command {
  if (groups.org) {
    cmd.option('--org-id <id>', `Yandex 360 organization id, sent as X-Org-ID (env ${TRACKER_ENV.orgId})`);
    cmd.option('--cloud-org-id <id>', `Yandex Cloud organization id, sent as X-Cloud-Org-ID (env ${TRACKER_ENV.cloudOrgId})`);
  }
  if (groups.client) {
    cmd.option('--client-id <id>', `ClientID of your Yandex OAuth app (env ${CLI_ENV.clientId})`);
    cmd.option('--client-secret <secret>', `its Client secret; prefer the env ${CLI_ENV.clientSecret} (command lines are visible to other users)`);
  }
  if (groups.seal) cmd.option('--seal-key <key>', `seal the login file with this key, 32+ bytes; prefer the env ${CLI_ENV.sealKey}`);
  for (const url of groups.urls ?? []) {
    if (url === 'oauth') cmd.option('--oauth-url <url>', `Yandex OAuth base URL (env ${TRACKER_ENV.oauthUrl}; default https://oauth.yandex.ru)`);
    if (url === 'tracker') cmd.option('--tracker-url <url>', `Tracker API base URL (env ${TRACKER_ENV.trackerUrl}; default https://api.tracker.yandex.net)`);
    if (url === 'iam') cmd.option('--iam-url <url>', `Yandex Cloud IAM base URL (env ${TRACKER_ENV.iamUrl}; default https://iam.api.cloud.yandex.net)`);
  }
  return cmd.option('--json', 'print JSON for scripts');
}

/** Commander echoes unknown options whole; `--client-secrt=…` must not print the value. */
const scrubOptionValues = (text: string) => text.replace(/(--[\w-]+)=[^'\s]*/g, '$1=…');

function buildProgram(ctx: CliContext, setExit: (code: number) => void): Command {
  const program = new Command('tracker-auth')
    .description('Sign in to Yandex Tracker with the device flow and hand tokens and headers to scripts and CI.')
    .version(version(), '-v, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(scrubOptionValues(s)) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('afterAll', EXIT_CODES_HELP);

  withOptions(
    program
      .command('login')
      .description('sign in with the Yandex device flow (open a URL, enter a code) and store the token')
      .option('--scope <scopes>', 'rights to ask for, space-separated (default: all rights of the app)')
      .option('--device-name <name>', 'name of this device in your Yandex ID (default: "tracker-auth CLI on <host>")'),
    { org: true, client: true, seal: true, urls: ['oauth', 'tracker', 'iam'] },
  ).action((options) => login(ctx, options));

  withOptions(program.command('whoami').description('show the signed-in Tracker user (GET /v3/myself)'), {
    org: true,
    client: true,
    seal: true,
    urls: ['oauth', 'tracker'],
  }).action((options) => whoami(ctx, options));

  withOptions(program.command('token').description('print the OAuth access token (refreshed first when due)'), {
    client: true,
    seal: true,
    urls: ['oauth'],
  }).action((options) => token(ctx, options));

  withOptions(
    program
      .command('headers')
      .description('print the headers Tracker needs (Authorization and the organization)')
      .addOption(new Option('--format <format>', 'curl: a curl config for `curl -K -`; json: one object; env: shell assignments').choices(HEADER_FORMATS)),
    { org: true, client: true, seal: true, urls: ['oauth', 'tracker'] },
  )
    .addHelpText('after', '\nExample:\n  tracker-auth headers --format curl | curl -K - https://api.tracker.yandex.net/v3/myself')
    .action((options) => headers(ctx, options));

  withOptions(
    program
      .command('iam-token')
      .description('print a Yandex Cloud IAM token, from a service-account key or from the stored login')
      .option('--key <file>', 'service-account authorized key JSON (yc iam key create --output key.json)')
      .option('--from-oauth', 'exchange the stored OAuth token for an IAM token'),
    { client: true, seal: true, urls: ['iam', 'oauth'] },
  ).action((options) => iamToken(ctx, options));

  withOptions(
    program
      .command('logout')
      .description('revoke the stored token at Yandex and delete the login')
      .option('--no-revoke', 'only delete the login file, without revoking the token'),
    { client: true, seal: true, urls: ['oauth'] },
  ).action((options) => logout(ctx, options));

  program
    .command('fake')
    .description('run the fake Yandex of @tracker-auth/testing (like tracker-auth-fake; options pass through)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[options...]', 'options of tracker-auth-fake')
    .addHelpText('after', `\n${FAKE_HELP}`)
    .action(async (args: string[]) => setExit(await fake(ctx, args)));

  return program;
}

/**
 * Run `tracker-auth` with `argv` (without `node` and the script) and resolve its exit code.
 * Errors are printed to stderr (as JSON with `--json`); nothing secret is in them.
 */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  // `fake` hands every argument, --help included, to the fake's own CLI.
  if (argv[0] === 'fake') {
    try {
      return await fake(ctx, argv.slice(1));
    } catch (error) {
      ctx.stderr.write(errorText(error));
      return exitCodeFor(error);
    }
  }
  let exitCode: number = EXIT.ok;
  const program = buildProgram(ctx, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are successes; the rest are usage errors, already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (argv.includes('--json')) printJson(ctx.stderr, { error: errorJson(error) });
    else ctx.stderr.write(errorText(error));
    return exitCodeFor(error);
  }
}
