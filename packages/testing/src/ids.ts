import { createHmac, randomBytes, randomInt } from 'node:crypto';

/**
 * Generators for token and id shapes of docs/yandex-api.md 1.2 (OAuth `y0_…`, IAM `t1.…`), 3.3
 * (service-account and key ids) and 2.3 (7-digit confirmation codes).
 *
 * With a seed, values come from an HMAC counter so a CLI restart with the same seed prints
 * the same demo credentials; without one they are random.
 */
export class IdGenerator {
  private counter = 0;

  constructor(private readonly seed?: string) {}

  private bytes(n: number, label: string): Buffer {
    if (this.seed === undefined) return randomBytes(n);
    const out: Buffer[] = [];
    let total = 0;
    while (total < n) {
      const chunk = createHmac('sha256', this.seed).update(`${label}:${this.counter++}`).digest();
      out.push(chunk);
      total += chunk.length;
    }
    return Buffer.concat(out).subarray(0, n);
  }

  /** `y0_` + 58 base64url chars, like a Yandex OAuth token. */
  oauthToken(): string {
    return `y0_${this.bytes(44, 'oauth').toString('base64url')}`;
  }

  /** An opaque refresh token (Yandex prints them as `1:…:…` style strings). */
  refreshToken(): string {
    return `1:${this.bytes(12, 'rt1').toString('base64url')}:${this.bytes(36, 'rt2').toString('base64url')}`;
  }

  /** Matches `t1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2}` (docs/yandex-api.md 1.2). */
  iamToken(): string {
    return `t1.${this.bytes(18, 'iam1').toString('base64url')}.${this.bytes(64, 'iam2').toString('base64url')}`;
  }

  /** A 20-char cloud id with the given 3-letter prefix (`aje…` service accounts, `bpf…` orgs). */
  cloudId(prefix: string): string {
    const alphabet = 'abcdefghijklmnopqrstuv0123456789';
    const b = this.bytes(17, `cloud:${prefix}`);
    let s = prefix;
    for (let i = 0; s.length < 20; i++) s += alphabet[(b[i] ?? 0) % alphabet.length];
    return s;
  }

  /** 32 lower-case hex chars, like OAuth client ids and secrets. */
  hex32(): string {
    return this.bytes(16, 'hex').toString('hex');
  }

  /** A numeric string of `digits` digits that does not start with 0. Always random. */
  digits(digits: number): string {
    let s = String(randomInt(1, 10));
    while (s.length < digits) s += String(randomInt(0, 10));
    return s;
  }
}
