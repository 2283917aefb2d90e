/**
 * Reading a Yandex Cloud authorized key (docs/yandex-api.md 3.4) into what the JWT signer needs.
 * Accepts the `yc iam key create` file (snake_case), the REST `POST /iam/v1/keys` answer
 * (camelCase, `{ key: {…}, privateKey }`) and a flat camelCase object, as an object or JSON text.
 * Every problem is a {@link ConfigurationError} `INVALID_KEY` naming the field, never the key.
 */
import { base64Decode } from '../encoding.js';
import { failer, isObject } from '../validate.js';

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

// The fixes several problems share.
const WHOLE_KEY = 'pass the `yc iam key create` JSON';
/** Yandex Cloud authorized keys are RSA_2048 or RSA_4096. */
const RSA_ONLY = 'use an RSA_2048 or RSA_4096 key';

/** Throws `<field> <problem>; <fix>.` (`INVALID_KEY`): the field and the fix, never key material. */
function fail(field: string, problem: string, fix = 'copy the key file again'): never {
  return failer('INVALID_KEY', field)(problem, fix);
}

function idField(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(field, 'is missing', WHOLE_KEY);
  if (!ID.test(value)) fail(field, 'is not a Yandex Cloud id');
  return value;
}

/**
 * Extract the DER bytes from the `private_key` PEM. Newer keys start with a line
 * `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <id>` before the PEM block
 * (docs/yandex-api.md 3.4); anything before `-----BEGIN PRIVATE KEY-----` is skipped.
 */
export function pkcs8FromPem(pem: unknown, field: string): Uint8Array<ArrayBuffer> {
  if (typeof pem !== 'string' || pem.trim() === '') fail(field, 'is missing', WHOLE_KEY);
  const text = pem.replace(/\\n/g, '\n'); // keys pasted into env files often carry literal \n
  if (/-----BEGIN (RSA|ENCRYPTED) PRIVATE KEY-----/.test(text) && !text.includes(PEM_BEGIN)) {
    fail(field, 'is not an unencrypted PKCS#8 key');
  }
  const begin = text.indexOf(PEM_BEGIN);
  const body = begin + PEM_BEGIN.length;
  const end = text.indexOf(PEM_END, body);
  if (begin < 0 || end < 0) fail(field, 'is not a PEM private key');
  const der = base64Decode(text.slice(body, end));
  if (der === undefined) return fail(field, 'is damaged (not base64)');
  checkPkcs8Structure(der, field);
  return der;
}

/** One DER element: where its header starts, and where its content starts and ends in the buffer. */
interface DerElement {
  offset: number;
  start: number;
  end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;

/**
 * Walk the PKCS#8 `PrivateKeyInfo` (RFC 5208) and the RSA key inside it (RFC 8017 A.1.2)
 * synchronously, checking every ASN.1 length, so that a damaged key (say, a PEM whose body
 * lost its second half) fails at the factory, not at the first `getToken()` when WebCrypto
 * imports it. Only the structure is checked here; WebCrypto checks the numbers.
 */
function checkPkcs8Structure(der: Uint8Array, field: string): void {
  const damaged = (): never => fail(field, 'is damaged (incomplete PKCS#8)');
  /**
   * The element at `offset` of `der[..limit)`, with tag `tag` when one is given; damaged when its
   * header or length runs past `limit`. Definite lengths only, as DER requires.
   */
  const element = (offset: number, limit: number, tag: number | undefined): DerElement => {
    if (offset + 2 > limit || (tag !== undefined && der[offset] !== tag)) return damaged();
    let length = der[offset + 1]!;
    let start = offset + 2;
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets === 0 || octets > 4 || start + octets > limit) return damaged();
      length = 0;
      for (let i = 0; i < octets; i++) length = length * 256 + der[start + i]!;
      start += octets;
    }
    const end = start + length;
    return end <= limit ? { offset, start, end } : damaged();
  };
  /**
   * The elements of the SEQUENCE that fills `der[offset..end)` exactly: they must fill its
   * content exactly, and begin with at least the given `tags` (more may follow).
   */
  const sequence = (offset: number, end: number, tags: readonly number[]): DerElement[] => {
    const outer = element(offset, end, SEQUENCE);
    if (outer.end !== end) damaged();
    const parts: DerElement[] = [];
    for (let at = outer.start; at < end; at = parts[parts.length - 1]!.end) parts.push(element(at, end, tags[parts.length]));
    return parts.length < tags.length ? damaged() : parts;
  };
  const [, algorithm, privateKey] = sequence(0, der.length, [INTEGER, SEQUENCE, OCTET_STRING]) as [DerElement, DerElement, DerElement];
  const oid = sequence(algorithm.offset, algorithm.end, [OID])[0]!;
  if (der.subarray(oid.offset, oid.end).join() !== RSA_OID.join()) fail(field, 'is not an RSA private key', RSA_ONLY);
  // version, n, e, d, p, q, dP, dQ, qInv (+ otherPrimeInfos for multi-prime keys)
  const numbers = sequence(privateKey.start, privateKey.end, Array<number>(9).fill(INTEGER));
  if (numbers.slice(0, 9).some(({ start, end }) => start === end)) damaged();
  const modulus = numbers[1]!;
  const modulusBytes = modulus.end - modulus.start - (der[modulus.start] === 0 ? 1 : 0);
  if (modulusBytes < 256) fail(field, 'is shorter than 2048 bits', RSA_ONLY);
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
      fail(field, 'is not valid JSON', WHOLE_KEY);
    }
  }
  if (!isObject(value)) fail(field, 'must be the key JSON or its text', WHOLE_KEY);
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
