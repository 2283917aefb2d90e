import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeYandex, type FakeYandex } from '@tracker-auth/testing';
import { createTrackerAuth } from '../../src/auth.js';
import { ConfigurationError } from '../../src/errors.js';
import { credentialsFromNodeEnv, iamFromServiceAccountKeyFile, loadServiceAccountKey } from '../../src/node/key-file.js';
import { credentialsFromEnv, TRACKER_ENV } from '../../src/tokens/credentials-from-env.js';
import { DEFAULT_TRACKER_URL } from '../../src/types.js';

let fake: FakeYandex;
let dir: string;

beforeAll(async () => {
  fake = await startFakeYandex();
  dir = mkdtempSync(join(tmpdir(), 'tracker-auth-env-'));
});
afterAll(() => fake.close());

const urls = () => ({
  TRACKER_API_URL: fake.urls.tracker,
  YANDEX_OAUTH_URL: fake.urls.oauth,
  YANDEX_IAM_URL: fake.urls.iam,
  YANDEX_METADATA_URL: fake.urls.metadata,
});

async function trackerStatus(env: Record<string, string>, fromEnv = credentialsFromEnv): Promise<number> {
  const { credentials, org, urls: resolved } = fromEnv(env);
  const auth = createTrackerAuth({ credentials, org });
  const response = await fetch(`${resolved.trackerUrl}/v3/myself`, { headers: (await auth.headers()) as Record<string, string> });
  await response.arrayBuffer();
  return response.status;
}

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('credentialsFromEnv: every source works against the fake through its variable', () => {
  it('TRACKER_OAUTH_TOKEN + TRACKER_ORG_ID', async () => {
    expect(await trackerStatus({ ...urls(), TRACKER_OAUTH_TOKEN: fake.demo.oauthToken, TRACKER_ORG_ID: fake.demo.orgId })).toBe(200);
  });

  it('TRACKER_IAM_TOKEN + TRACKER_CLOUD_ORG_ID', async () => {
    const { iamToken } = fake.iam.issueToken({ uid: fake.demo.user.uid });
    expect(await trackerStatus({ ...urls(), TRACKER_IAM_TOKEN: iamToken, TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId })).toBe(200);
  });

  it('TRACKER_IAM_FROM_OAUTH_TOKEN (exchanged at YANDEX_IAM_URL)', async () => {
    fake.calls.reset();
    expect(await trackerStatus({ ...urls(), TRACKER_IAM_FROM_OAUTH_TOKEN: fake.demo.oauthToken, TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId })).toBe(200);
    expect(fake.calls.count('iam.tokens')).toBe(1);
  });

  it('TRACKER_SERVICE_ACCOUNT_KEY (the key JSON itself)', async () => {
    const env = { ...urls(), TRACKER_SERVICE_ACCOUNT_KEY: JSON.stringify(fake.demo.serviceAccount.keyWithNotice), TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId };
    expect(await trackerStatus(env)).toBe(200);
  });

  it('TRACKER_USE_METADATA=true (metadata at YANDEX_METADATA_URL)', async () => {
    fake.calls.reset();
    expect(await trackerStatus({ ...urls(), TRACKER_USE_METADATA: 'true', TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId })).toBe(200);
    expect(fake.calls.count('metadata.token')).toBe(1);
  });

  it('TRACKER_SERVICE_ACCOUNT_KEY_FILE through credentialsFromNodeEnv, and the file helpers', async () => {
    const path = join(dir, 'key.json');
    writeFileSync(path, JSON.stringify(fake.demo.serviceAccount.keyWithNotice));
    const env = { ...urls(), TRACKER_SERVICE_ACCOUNT_KEY_FILE: path, TRACKER_CLOUD_ORG_ID: fake.demo.cloudOrgId };
    expect(await trackerStatus(env, credentialsFromNodeEnv)).toBe(200);
    expect(loadServiceAccountKey(path).id).toBe(fake.demo.serviceAccount.key.id);
    const fromFile = iamFromServiceAccountKeyFile({ path, iamUrl: fake.urls.iam });
    expect((await fromFile.getToken()).kind).toBe('iam');
    // The default entry has no file access and says where to go.
    const error = configError(() => credentialsFromEnv(env));
    expect(error.field).toBe('TRACKER_SERVICE_ACCOUNT_KEY_FILE');
    expect(error.message).toContain('credentialsFromNodeEnv');
  });

  it('fills default URLs and treats empty values as unset', () => {
    const { urls: resolved, org } = credentialsFromEnv({ TRACKER_OAUTH_TOKEN: 'y0_token', TRACKER_ORG_ID: '42', TRACKER_CLOUD_ORG_ID: '', TRACKER_API_URL: ' ' });
    expect(resolved).toEqual({
      trackerUrl: DEFAULT_TRACKER_URL,
      oauthUrl: 'https://oauth.yandex.ru',
      iamUrl: 'https://iam.api.cloud.yandex.net',
      metadataUrl: 'http://169.254.169.254',
    });
    expect(org).toEqual({ orgId: '42' });
  });

  it('reads process.env when no record is passed', async () => {
    const saved = { ...process.env };
    try {
      process.env.TRACKER_OAUTH_TOKEN = 'y0_from_process_env';
      process.env.TRACKER_ORG_ID = '7';
      for (const name of Object.values(TRACKER_ENV)) if (!['TRACKER_OAUTH_TOKEN', 'TRACKER_ORG_ID'].includes(name)) delete process.env[name];
      const fromEnv = credentialsFromEnv();
      expect(fromEnv.credentials.kind).toBe('oauth');
      expect(fromEnv.org).toEqual({ orgId: '7' });
      expect((await fromEnv.credentials.getToken()).token).toBe('y0_from_process_env');
    } finally {
      process.env = saved;
    }
  });
});

describe('credentialsFromEnv: configuration errors name the variables, never the values', () => {
  const secret = 'y0_supersecret_value_123';
  const cases: Array<[string, Record<string, string>, string | RegExp, string]> = [
    ['no credential', { TRACKER_ORG_ID: '1' }, 'env', 'TRACKER_OAUTH_TOKEN'],
    ['two credentials', { TRACKER_OAUTH_TOKEN: secret, TRACKER_IAM_TOKEN: 't1.abc', TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_OAUTH_TOKEN,TRACKER_IAM_TOKEN', 'keep exactly one'],
    ['no org', { TRACKER_OAUTH_TOKEN: secret }, 'TRACKER_ORG_ID,TRACKER_CLOUD_ORG_ID', 'TRACKER_CLOUD_ORG_ID'],
    ['both orgs', { TRACKER_OAUTH_TOKEN: secret, TRACKER_ORG_ID: '1', TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_ORG_ID,TRACKER_CLOUD_ORG_ID', 'keep one'],
    ['a cloud id in TRACKER_ORG_ID', { TRACKER_OAUTH_TOKEN: secret, TRACKER_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_ORG_ID', 'set it as TRACKER_CLOUD_ORG_ID instead'],
    ['a Yandex 360 id in TRACKER_CLOUD_ORG_ID', { TRACKER_IAM_TOKEN: 't1.abc', TRACKER_CLOUD_ORG_ID: '1234567' }, 'TRACKER_CLOUD_ORG_ID', 'set it as TRACKER_ORG_ID instead'],
    ['a line break inside TRACKER_IAM_FROM_OAUTH_TOKEN', { TRACKER_IAM_FROM_OAUTH_TOKEN: `${secret}\n${secret}`, TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2zjbqn4kk' }, 'TRACKER_IAM_FROM_OAUTH_TOKEN', 'TRACKER_IAM_FROM_OAUTH_TOKEN contains a control character'],
    ['IAM with a Yandex 360 org', { TRACKER_IAM_FROM_OAUTH_TOKEN: secret, TRACKER_ORG_ID: '1' }, 'TRACKER_ORG_ID', 'TRACKER_CLOUD_ORG_ID'],
    ['a token with a scheme word', { TRACKER_OAUTH_TOKEN: `OAuth ${secret}`, TRACKER_ORG_ID: '1' }, 'TRACKER_OAUTH_TOKEN', 'starts with OAuth/Bearer'],
    ['a bad metadata flag', { TRACKER_USE_METADATA: 'sometimes', TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_USE_METADATA', 'true or false'],
    ['a bad URL', { TRACKER_OAUTH_TOKEN: secret, TRACKER_ORG_ID: '1', YANDEX_IAM_URL: `https://user:${secret}@iam.example` }, 'YANDEX_IAM_URL', 'user:password@'],
    ['a broken key', { TRACKER_SERVICE_ACCOUNT_KEY: `{"id":"aje1","service_account_id":"aje2","private_key":"${secret}"}`, TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_SERVICE_ACCOUNT_KEY.private_key', 'PEM'],
    ['a bad IAM expiry', { TRACKER_IAM_TOKEN: 't1.abc', TRACKER_IAM_TOKEN_EXPIRES_AT: 'tomorrow', TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }, 'TRACKER_IAM_TOKEN_EXPIRES_AT', 'RFC 3339'],
  ];
  for (const [name, env, field, hint] of cases) {
    it(name, () => {
      const error = configError(() => credentialsFromEnv(env));
      expect(error.field).toBe(field);
      expect(error.message).toContain(hint);
      expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    });
  }

  it('a missing key file names the variable', () => {
    const error = configError(() => credentialsFromNodeEnv({ TRACKER_SERVICE_ACCOUNT_KEY_FILE: join(dir, 'nope.json'), TRACKER_CLOUD_ORG_ID: 'bpf3crucp1v2mm2uxwzz' }));
    expect(error).toMatchObject({ code: 'INVALID_KEY', field: 'TRACKER_SERVICE_ACCOUNT_KEY_FILE' });
    expect(error.message).toContain('does not exist');
  });
});
