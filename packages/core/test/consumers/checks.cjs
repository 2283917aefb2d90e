/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is the point of this file */
// Shared checks run against the BUILT package, once through require() and once through import.
// Plain JavaScript on purpose: it sees exactly what a consumer of the published dist sees.
'use strict';
const assert = require('node:assert/strict');

const RFC7636_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC7636_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const SECRET = 'consumer-check-secret-0123456789abcdef';
const TOKEN = 'y0_consumer-check-TOKEN';

const EXPECTED_FUNCTIONS = [
  'buildTrackerHeaders',
  'buildAuthorizeUrl',
  'createPkce',
  'createState',
  'parseCallback',
  'sealSession',
  'unsealSession',
  'createSessionSealer',
  'isConfigurationError',
  'isSessionError',
];
/** Building blocks of `@tracker-auth/core/adapter`. */
const EXPECTED_ADAPTER_FUNCTIONS = ['assertToken', 'normalizeOrg', 'assertUrl', 'pkceFromVerifier', 'toErrorResponse', 'errorAnswer', 'handleSignInAction'];

/** @param {any} core the main entry's namespace; @param {any} adapter the adapter entry's; @param {string} label */
async function runChecks(core, adapter, label) {
  for (const name of EXPECTED_FUNCTIONS) assert.equal(typeof core[name], 'function', `${label}: ${name} is exported`);
  for (const name of EXPECTED_ADAPTER_FUNCTIONS) {
    assert.equal(typeof adapter[name], 'function', `${label}: ${name} is exported by /adapter`);
    assert.equal(core[name], undefined, `${label}: ${name} is not in the main entry`);
  }
  assert.equal(adapter.TRACKER_READ, 'tracker:read');
  assert.equal(adapter.TRACKER_WRITE, 'tracker:write');
  // The same class across entries: an error thrown through one entry is the other's.
  assert.throws(() => adapter.assertUrl('not a url', 'trackerUrl'), (error) => error instanceof core.ConfigurationError);

  const headers = core.buildTrackerHeaders({ token: TOKEN, kind: 'oauth' }, { orgId: '1234567' });
  assert.deepEqual({ ...headers }, { Authorization: `OAuth ${TOKEN}`, 'X-Org-ID': '1234567' });
  assert.ok(!JSON.stringify(headers).includes(TOKEN), `${label}: headers print redacted`);
  assert.equal(new Headers(headers).get('x-org-id'), '1234567');

  assert.throws(
    () => core.buildTrackerHeaders({ token: `${TOKEN}\r\nX: 1`, kind: 'oauth' }, { orgId: '1' }),
    (error) =>
      error instanceof core.ConfigurationError &&
      core.isConfigurationError(error) &&
      error.code === 'INVALID_TOKEN' &&
      !error.message.includes(TOKEN),
  );

  const url = core.buildAuthorizeUrl({ clientId: 'abc', scope: [adapter.TRACKER_READ, adapter.TRACKER_WRITE], state: 's' });
  assert.equal(url.href, 'https://oauth.yandex.ru/authorize?response_type=code&client_id=abc&scope=tracker%3Aread%20tracker%3Awrite&state=s');

  const pkce = await adapter.pkceFromVerifier(RFC7636_VERIFIER);
  assert.equal(pkce.codeChallenge, RFC7636_CHALLENGE, `${label}: RFC 7636 appendix B`);
  assert.match((await core.createPkce()).codeVerifier, /^[A-Za-z0-9_-]{43}$/);
  assert.match(core.createState(), /^[A-Za-z0-9_-]{43}$/);

  const callback = core.parseCallback('https://app.example/cb?code=1234567&state=s', { expectedState: 's' });
  assert.equal(callback.code, '1234567');
  assert.throws(() => core.parseCallback('https://app.example/cb?code=1&state=x', { expectedState: 's' }), { code: 'STATE_MISMATCH' });

  const sealed = await core.sealSession({ tokens: { accessToken: TOKEN, tokenType: 'bearer' } }, { secrets: SECRET });
  assert.deepEqual(await core.unsealSession(sealed, { secrets: [SECRET] }), { tokens: { accessToken: TOKEN, tokenType: 'bearer' } });
  await assert.rejects(core.unsealSession(`${sealed}x`, { secrets: SECRET }), { name: 'SessionError', code: 'SESSION_INVALID' });
  await assert.rejects(core.sealSession({}, { secrets: 'short' }), { name: 'ConfigurationError', code: 'INVALID_SECRET' });
  return sealed;
}

module.exports = { runChecks, SECRET, TOKEN };
