/* global require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is the point of this file */
// A CommonJS consumer: require() the built @tracker-auth/core (resolved through its exports map).
'use strict';
const assert = require('node:assert/strict');
const core = require('@tracker-auth/core');
const adapter = require('@tracker-auth/core/adapter');
const { runChecks, SECRET, TOKEN } = require('./checks.cjs');

(async () => {
  assert.ok(require.resolve('@tracker-auth/core').endsWith('index.cjs'), 'require() resolves to the CommonJS build');
  await runChecks(core, adapter, 'require');
  // A value sealed by the ESM build opens in the CommonJS build (same format, same keys).
  if (process.env.SEALED_BY_ESM) {
    const data = await core.unsealSession(process.env.SEALED_BY_ESM, { secrets: SECRET });
    assert.equal(data.tokens.accessToken, TOKEN);
  }
  console.log('core consumer (require): ok');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
