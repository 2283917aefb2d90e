/**
 * Reading a Yandex Cloud authorized key (yandex-api.md 3.4) into what the JWT signer needs.
 * Accepts the `yc iam key create` file (snake_case), the REST `POST /iam/v1/keys` answer
 * (camelCase, `{ key: {…}, privateKey }`) and a flat camelCase object, as an object or JSON text.
 * Every problem is a {@link ConfigurationError} `INVALID_KEY` naming the field, never the key.
 */
import { ConfigurationError } from '../errors.js';
import { base64Decode } from '../encoding.js';

/** The authorized key file as `yc iam key create --output key.json` writes it. */
export interface ServiceAccountKeyFile {
  id: string;
  service_account_id: string;
  private_key: string;
  created_at?: string;
  key_algorithm?: string;
  public_key?: string;
}

/** The REST `POST /iam/v1/keys` answer, or a flat camelCase equivalent. */
export interface ServiceAccountKeyCamel {
  key?: { id: string; serviceAccountId: string; createdAt?: string; keyAlgorithm?: string; publicKey?: string };
  id?: string;
  serviceAccountId?: string;
  privateKey: string;
}

/** Any accepted form of a service-account authorized key. */
export type ServiceAccountKeyInput = ServiceAccountKeyFile | ServiceAccountKeyCamel | string;

/** A checked key: ids plus the PKCS#8 DER bytes of the private key. */
export interface ParsedServiceAccountKey {
  keyId: string;
  serviceAccountId: string;
  pkcs8: Uint8Array<ArrayBuffer>;
}

const PEM_BEGIN = '-----BEGIN PRIVATE KEY-----';
const PEM_END = '-----END PRIVATE KEY-----';
/** DER of the rsaEncryption OID 1.2.840.113549.1.1.1, present in every RSA PKCS#8 key. */
const RSA_OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/** Ids of Yandex Cloud resources: letters and digits (e.g. `ajeXXXXXXXXXXXXXXXXX`); kept lenient. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function fail(field: string, problem: string): never {
  throw new ConfigurationError('INVALID_KEY', field, `${field} ${problem}`);
}

function idField(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(field, 'is missing; pass the whole authorized key JSON (from `yc iam key create --output key.json`).');
  if (!ID.test(value)) fail(field, 'is not a Yandex Cloud id (letters and digits); check that the key JSON is intact.');
  return value;
}

/**
 * Extract the DER bytes from the `private_key` PEM. Newer keys start with a line
 * `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>` before the PEM block
 * (yandex-api.md 3.4); anything before `-----BEGIN PRIVATE KEY-----` is skipped.
 */
export function pkcs8FromPem(pem: unknown, field: string): Uint8Array<ArrayBuffer> {
  if (typeof pem !== 'string' || pem.trim() === '') fail(field, 'is missing; pass the whole authorized key JSON including the private key.');
  const text = pem.replace(/\\n/g, '\n'); // keys pasted into env files often carry literal \n
  if (/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(text) && !text.includes(PEM_BEGIN)) {
    fail(field, 'is not an unencrypted PKCS#8 key ("BEGIN PRIVATE KEY"); use the private key exactly as Yandex Cloud issued it.');
  }
  const begin = text.indexOf(PEM_BEGIN);
  const end = text.indexOf(PEM_END, begin + PEM_BEGIN.length);
  if (begin < 0 || end < 0) fail(field, `is not a PEM private key (expected a "${PEM_BEGIN}" … "${PEM_END}" block).`);
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = base64Decode(text.slice(begin + PEM_BEGIN.length, end));
  } catch {
    fail(field, 'has a damaged PEM body (not base64); copy the key file again.');
  }
  if (der.length < 100 || der[0] !== 0x30 || !containsBytes(der.subarray(0, 64), RSA_OID)) {
    fail(field, 'is not an RSA PKCS#8 private key; Yandex Cloud authorized keys are RSA_2048 or RSA_4096.');
  }
  return der;
}

function containsBytes(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Check an authorized key and extract key id, service account id and the private key bytes.
 * `field` is the option path used in error messages (e.g. `key` or `TRACKER_SERVICE_ACCOUNT_KEY`).
 *
 * @throws {ConfigurationError} `INVALID_KEY`
 */
export function parseServiceAccountKey(input: unknown, field = 'key'): ParsedServiceAccountKey {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      fail(field, 'is not valid JSON; pass the authorized key file contents (a JSON object) or the parsed object.');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(field, 'must be the authorized key JSON object (id, service_account_id, private_key) or its text.');
  }
  const record = value as Record<string, unknown>;
  if ('private_key' in record || 'service_account_id' in record) {
    return {
      keyId: idField(record.id, `${field}.id`),
      serviceAccountId: idField(record.service_account_id, `${field}.service_account_id`),
      pkcs8: pkcs8FromPem(record.private_key, `${field}.private_key`),
    };
  }
  const nested = record.key && typeof record.key === 'object' ? (record.key as Record<string, unknown>) : undefined;
  const prefix = nested ? `${field}.key` : field;
  return {
    keyId: idField(nested ? nested.id : (record.id ?? record.accessKeyId), `${prefix}.id`),
    serviceAccountId: idField(nested ? nested.serviceAccountId : record.serviceAccountId, `${prefix}.serviceAccountId`),
    pkcs8: pkcs8FromPem(record.privateKey, `${field}.privateKey`),
  };
}
