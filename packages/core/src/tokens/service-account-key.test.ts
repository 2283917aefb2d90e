import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors.js';
import { parseServiceAccountKey } from './service-account-key.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const file = { id: 'ajeKEY00000000000001', service_account_id: 'ajeSA000000000000001', created_at: '2026-01-01T00:00:00Z', key_algorithm: 'RSA_2048', public_key: publicKey, private_key: privateKey };

describe('parseServiceAccountKey', () => {
  it('reads the file format, with and without the PLEASE DO NOT REMOVE THIS LINE! prefix', () => {
    const plain = parseServiceAccountKey(file);
    const noticed = parseServiceAccountKey({ ...file, private_key: `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${file.id}>\n${privateKey}` });
    expect(plain).toMatchObject({ keyId: file.id, serviceAccountId: file.service_account_id });
    expect(noticed.pkcs8).toEqual(plain.pkcs8);
  });

  it('reads JSON text, literal \\n escapes (keys pasted into .env files), the REST answer and flat camelCase', () => {
    const reference = parseServiceAccountKey(file).pkcs8;
    expect(parseServiceAccountKey(JSON.stringify(file)).pkcs8).toEqual(reference);
    expect(parseServiceAccountKey({ ...file, private_key: privateKey.replace(/\n/g, '\\n') }).pkcs8).toEqual(reference);
    const rest = parseServiceAccountKey({ key: { id: file.id, serviceAccountId: file.service_account_id }, privateKey });
    expect(rest).toMatchObject({ keyId: file.id, serviceAccountId: file.service_account_id });
    const flat = parseServiceAccountKey({ accessKeyId: file.id, serviceAccountId: file.service_account_id, privateKey });
    expect(flat.keyId).toBe(file.id);
  });

  it('refuses non-RSA keys, naming the field and never echoing key material', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    let error: unknown;
    try {
      parseServiceAccountKey({ ...file, private_key: ec.privateKey });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ code: 'INVALID_KEY', field: 'key.private_key' });
    expect((error as Error).message).toContain('RSA');
    for (const line of ec.privateKey.split('\n').slice(1, -2)) expect((error as Error).message).not.toContain(line);
  });
});
