import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeYandex, type FakeYandex } from './fake-yandex.js';

/** What `tracker-auth-fake --json` prints: everything a script needs to drive the fake. */
export interface CliSummary {
  url: string;
  urls: { tracker: string; oauth: string; iam: string; metadata: string };
  orgId: string;
  cloudOrgId: string;
  user: { uid: number; login: string };
  /** One demo OAuth token per organization kind, with the headers that go with it. */
  orgs: {
    yandex360: { orgId: string; oauthToken: string; headers: Record<string, string> };
    cloud: { cloudOrgId: string; oauthToken: string; headers: Record<string, string> };
  };
  oauthToken: string;
  oauthRefreshToken: string;
  readOnlyOAuthToken: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  serviceAccount: { serviceAccountId: string; keyId: string; keyFile: string; keyFileWithNotice: string };
}

export const CLI_USAGE = `Usage: tracker-auth-fake [options]

Starts a fake Yandex (Tracker, OAuth, IAM, metadata) on one port and prints demo credentials.

Options:
  --port <n>            port to listen on (default 8787; 0 picks a free one)
  --host <addr>         interface to bind (default 127.0.0.1)
  --json                print one JSON object (URLs, tokens, org ids, app, key file paths)
  --seed <string>       derive demo tokens and ids from this string (stable across restarts)
  --redirect-uri <uri>  redirect URI of the demo OAuth app (repeatable;
                        default http://127.0.0.1/callback, which matches any port)
  --no-auto-approve     show the consent page at /authorize instead of approving at once
  --key-dir <dir>       where to write the service-account key files (default: a new temp dir)
  -h, --help            show this help
`;

/** Output sinks of the CLI (injected by tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Parses argv, starts the fake and prints its summary. Returns the running fake (the caller
 * closes it) or undefined after `--help` / a usage error (exit code in `exitCode`).
 */
export async function runCli(argv: string[], io: CliIo): Promise<{ fake?: FakeYandex; summary?: CliSummary; exitCode: number }> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (e) {
    io.err(`tracker-auth-fake: ${(e as Error).message}\n\n${CLI_USAGE}`);
    return { exitCode: 2 };
  }
  if (values.help) {
    io.out(CLI_USAGE);
    return { exitCode: 0 };
  }
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err(`tracker-auth-fake: --port must be an integer 0..65535, got "${values.port}"\n`);
    return { exitCode: 2 };
  }
  let fake: FakeYandex;
  try {
    fake = await startFakeYandex({
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(values.seed ? { seed: values.seed } : {}),
      ...(values['redirect-uri'] ? { demoRedirectUris: values['redirect-uri'] } : {}),
      autoApprove: !values['no-auto-approve'],
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    io.err(`tracker-auth-fake: cannot listen on port ${port}${code === 'EADDRINUSE' ? ' (already in use; pick another with --port)' : ''}: ${code ?? (e as Error).message}\n`);
    return { exitCode: 1 };
  }
  const dir = values['key-dir'] ?? mkdtempSync(join(tmpdir(), 'tracker-auth-fake-'));
  const sa = fake.demo.serviceAccount;
  const keyFile = join(dir, 'authorized_key.json');
  const keyFileWithNotice = join(dir, 'authorized_key_with_notice.json');
  writeFileSync(keyFile, `${JSON.stringify(sa.key, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(keyFileWithNotice, `${JSON.stringify(sa.keyWithNotice, null, 2)}\n`, { mode: 0o600 });
  const cloudToken = fake.oauth.issueToken({ clientId: fake.demo.app.clientId }).accessToken;
  const summary: CliSummary = {
    url: fake.url,
    urls: fake.urls,
    orgId: fake.demo.orgId,
    cloudOrgId: fake.demo.cloudOrgId,
    user: fake.demo.user,
    orgs: {
      yandex360: { orgId: fake.demo.orgId, oauthToken: fake.demo.oauthToken, headers: { Authorization: `OAuth ${fake.demo.oauthToken}`, 'X-Org-ID': fake.demo.orgId } },
      cloud: { cloudOrgId: fake.demo.cloudOrgId, oauthToken: cloudToken, headers: { Authorization: `OAuth ${cloudToken}`, 'X-Cloud-Org-ID': fake.demo.cloudOrgId } },
    },
    oauthToken: fake.demo.oauthToken,
    oauthRefreshToken: fake.demo.oauthRefreshToken,
    readOnlyOAuthToken: fake.demo.readOnlyOAuthToken,
    app: fake.demo.app,
    serviceAccount: { serviceAccountId: sa.serviceAccountId, keyId: sa.key.id, keyFile, keyFileWithNotice },
  };
  io.out(values.json ? `${JSON.stringify(summary)}\n` : humanSummary(summary));
  return { fake, summary, exitCode: 0 };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'no-auto-approve': { type: 'boolean' },
      'key-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

function humanSummary(s: CliSummary): string {
  return `Fake Yandex listening on ${s.url}  (fake credentials for local use only)

Base URLs (one port, real upstream paths):
  Tracker   ${s.urls.tracker}            /v2/…, /v3/…
  OAuth     ${s.urls.oauth}            /authorize, /token, /device/code, /revoke_token
  IAM       ${s.urls.iam}            /iam/v1/tokens
  Metadata  ${s.urls.metadata}            /computeMetadata/v1/instance/service-accounts/default/token

Organizations:
  Yandex 360    X-Org-ID: ${s.orgId}
  Yandex Cloud  X-Cloud-Org-ID: ${s.cloudOrgId}

Demo user ${s.user.login} (uid ${s.user.uid}):
  OAuth token (read+write, Yandex 360)  ${s.orgs.yandex360.oauthToken}
  OAuth token (read+write, Cloud)       ${s.orgs.cloud.oauthToken}
  OAuth token (read only)               ${s.readOnlyOAuthToken}
  Refresh token                         ${s.oauthRefreshToken}

OAuth app:
  client_id      ${s.app.clientId}
  client_secret  ${s.app.clientSecret}
  redirect_uri   ${s.app.redirectUri}

Service account ${s.serviceAccount.serviceAccountId}:
  authorized key          ${s.serviceAccount.keyFile}
  key with notice line    ${s.serviceAccount.keyFileWithNotice}

Try:
  curl -H 'Authorization: OAuth ${s.orgs.yandex360.oauthToken}' -H 'X-Org-ID: ${s.orgId}' ${s.urls.tracker}/v3/myself

Ctrl+C stops it.
`;
}
