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

/** Standard base64 (with padding) of bytes or of a string's UTF-8; used for PEM bodies and Basic auth. */
export function base64Encode(input: Uint8Array | ArrayBuffer | string): string {
  const bytes = typeof input === 'string' ? utf8(input) : new Uint8Array(input);
  let binary = '';
  // In slices: spreading a whole large array into one call would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** RFC 4648 §5 base64url without padding. */
export function base64UrlEncode(input: Uint8Array | ArrayBuffer | string): string {
  return base64Encode(input).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decode base64url (padding optional); `undefined` for anything that is not base64url. */
export function base64UrlDecode(input: string): Uint8Array<ArrayBuffer> | undefined {
  const trimmed = input.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  // atob takes unpadded input (forgiving-base64), so no padding is put back.
  return Uint8Array.from(atob(trimmed.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
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
