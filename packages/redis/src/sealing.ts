/**
 * What reaches Redis: key names are SHA-256 hashes of the credential ids (no id, user or
 * fingerprint in clear), values are sealed with core's AES-256-GCM sealing, bound to the key
 * they are stored under, so a value copied to another key does not open.
 */
import { createHash } from 'node:crypto';
import { createSessionSealer, type StoredToken } from '@tracker-auth/core';

/** The longest lifetime a sealed value may have (core's sealing limit: 400 days). */
export const MAX_SEAL_MS = 400 * 24 * 60 * 60 * 1000;

export interface TokenCodec {
  /** The hash tag of a credential id: `{<43 base64url chars>}`. */
  tagOf(key: string): string;
  seal(tag: string, value: StoredToken, ttlMs: number): Promise<string>;
  /** The token, or `undefined` when the value is not ours (other secrets, tampered, expired). */
  unseal(tag: string, sealed: string): Promise<StoredToken | undefined>;
}

export function createTokenCodec(secrets: string | readonly string[]): TokenCodec {
  // Validates the secrets now (ConfigurationError INVALID_SECRET for short or missing ones).
  const sealer = createSessionSealer({ secrets, purpose: 'token-store' });
  const purposeOf = (tag: string) => `ts.${tag.slice(1, -1)}`;
  return {
    tagOf: (key) => `{${createHash('sha256').update(key).digest('base64url')}}`,
    seal: (tag, value, ttlMs) =>
      sealer.seal(
        { t: value.token, k: value.kind, e: value.expiresAt, n: value.issuedAt, r: value.refreshToken },
        { purpose: purposeOf(tag), ttlSeconds: Math.max(1, Math.min(MAX_SEAL_MS, ttlMs) / 1000) },
      ),
    async unseal(tag, sealed) {
      try {
        const d = await sealer.unseal<{ t?: unknown; k?: unknown; e?: unknown; n?: unknown; r?: unknown }>(sealed, { purpose: purposeOf(tag) });
        if (typeof d.t !== 'string' || (d.k !== 'oauth' && d.k !== 'iam')) return undefined;
        return {
          token: d.t,
          kind: d.k,
          expiresAt: typeof d.e === 'number' ? d.e : undefined,
          issuedAt: typeof d.n === 'number' ? d.n : undefined,
          refreshToken: typeof d.r === 'string' ? d.r : undefined,
        };
      } catch {
        return undefined;
      }
    },
  };
}
