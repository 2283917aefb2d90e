/**
 * Regression suite: a damaged service-account key throws at the factory, synchronously, with
 * `INVALID_KEY`. Before, a PEM whose base64 body lost its second half (END line kept) passed
 * `iamFromServiceAccountKey()`; only the first `getToken()` failed, when WebCrypto imported it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { iamFromServiceAccountKey } from '../../src/tokens/iam-from-service-account.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const file = { id: 'ajeKEY00000000000001', service_account_id: 'ajeSA000000000000001', private_key: privateKey };
const lines = privateKey.trim().split('\n');
const bodyLines = lines.slice(1, -1);
const der = Buffer.from(bodyLines.join(''), 'base64');
const pem = (bytes: Buffer) => `-----BEGIN PRIVATE KEY-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;

/** The error the factory throws synchronously (no promise, no getToken()). */
function factoryError(privateKeyText: string): ConfigurationError {
  try {
    iamFromServiceAccountKey({ key: { ...file, private_key: privateKeyText }, iamUrl: 'http://127.0.0.1:9' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('the factory accepted a damaged key');
}

describe('damaged keys fail at iamFromServiceAccountKey()', () => {
  it('a PEM whose body lost its second half (END line kept)', () => {
    const truncated = [lines[0], ...bodyLines.slice(0, Math.floor(bodyLines.length / 2)), lines.at(-1)].join('\n');
    const error = factoryError(truncated);
    expect(error).toMatchObject({ code: 'INVALID_KEY', field: 'key.private_key' });
    expect(error.message).toContain('damaged');
    for (const line of bodyLines) expect(error.message).not.toContain(line);
  });

  it('one byte missing, one byte extra, a corrupted inner length', () => {
    expect(factoryError(pem(der.subarray(0, der.length - 1))).code).toBe('INVALID_KEY');
    expect(factoryError(pem(Buffer.concat([der, Buffer.from([0])]))).code).toBe('INVALID_KEY');
    const corrupted = Buffer.from(der);
    // The OCTET STRING holding the RSA key follows version (3 bytes) and the algorithm (15 bytes)
    // after the outer header (4 bytes); its length bytes claim one byte more.
    const octet = 4 + 3 + 15;
    expect(corrupted[octet]).toBe(0x04);
    corrupted[octet + 3] = corrupted[octet + 3]! + 1;
    expect(factoryError(pem(corrupted)).code).toBe('INVALID_KEY');
  });

  it('an intact key still passes, and a re-wrapped copy of it too', () => {
    expect(iamFromServiceAccountKey({ key: file, iamUrl: 'http://127.0.0.1:9' }).keyId).toBe(file.id);
    expect(iamFromServiceAccountKey({ key: { ...file, private_key: pem(der) }, iamUrl: 'http://127.0.0.1:9' }).keyId).toBe(file.id);
  });
});
