import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { AuthorizedKey, PemKeyPair } from './types.js';

let cachedDemoPair: PemKeyPair | undefined;

/** A fresh RSA 2048 key pair as PEM (SPKI public, PKCS#8 private). Takes ~100 ms. */
export function generateRsaKeyPair(modulusLength = 2048): PemKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKey, privateKey };
}

/**
 * The demo service account's key pair, generated once per process and shared by every fake
 * started in it (RSA generation is the slowest part of a start).
 */
export function demoKeyPair(): PemKeyPair {
  cachedDemoPair ??= generateRsaKeyPair();
  return cachedDemoPair;
}

/** The first line Yandex puts before newer private keys (docs/yandex-api.md 3.4). */
export function keyNoticeLine(keyId: string): string {
  return `PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <${keyId}>`;
}

/** Builds both authorized-key JSON variants for one key. */
export function authorizedKeys(
  keyId: string,
  serviceAccountId: string,
  createdAt: string,
  pair: PemKeyPair,
  modulusLength: number,
): { key: AuthorizedKey; keyWithNotice: AuthorizedKey } {
  const key: AuthorizedKey = {
    id: keyId,
    service_account_id: serviceAccountId,
    created_at: createdAt,
    key_algorithm: modulusLength >= 4096 ? 'RSA_4096' : 'RSA_2048',
    public_key: pair.publicKey,
    private_key: pair.privateKey,
  };
  return { key, keyWithNotice: { ...key, private_key: `${keyNoticeLine(keyId)}\n${pair.privateKey}` } };
}

/** Parses a PEM public key (accepting a private key too) into a KeyObject for verification. */
export function publicKeyObject(pem: string): KeyObject {
  return createPublicKey(pem);
}

/** Modulus length of an RSA PEM key (2048 or 4096). */
export function modulusLengthOf(publicKeyPem: string): number {
  return createPublicKey(publicKeyPem).asymmetricKeyDetails?.modulusLength ?? 2048;
}
