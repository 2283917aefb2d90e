/** Web-standard byte helpers shared by PKCE, JWT signing and session sealing. */

// `@__PURE__`: module-level instances a bundler may drop when nothing here is imported.
const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Decode UTF-8 bytes; throws `TypeError` on invalid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** RFC 4648 §5 base64url without padding. */
export function base64UrlEncode(input: Uint8Array | ArrayBuffer | string): string {
  const bytes = typeof input === 'string' ? utf8(input) : input instanceof Uint8Array ? input : new Uint8Array(input);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decode base64url (padding optional); `undefined` for anything that is not base64url. */
export function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> | undefined {
  const trimmed = input.replace(/=+$/, '');
  if (!BASE64URL.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  const base64 = trimmed.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Standard base64 (with padding) of bytes; used for PEM bodies and Basic auth. */
export function base64Encode(input: Uint8Array | string): string {
  return base64UrlEncode(input).replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64UrlEncode(input).length % 4)) % 4);
}

/** Standard base64 decode, whitespace tolerated (PEM bodies); `undefined` when not base64. */
export function base64Decode(input: string): Uint8Array<ArrayBuffer> | undefined {
  return base64UrlDecode(input.replace(/\s+/g, '').replace(/\+/g, '-').replace(/\//g, '_'));
}

/** `n` cryptographically random bytes from WebCrypto. */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** Constant-time comparison of two strings (for state values and MACs). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = utf8(a);
  const y = utf8(b);
  let diff = x.length ^ y.length;
  const length = Math.max(x.length, y.length);
  for (let i = 0; i < length; i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}
