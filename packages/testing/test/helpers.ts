import { webcrypto } from 'node:crypto';
import type { FakeYandex } from '../src/index.js';

/** `Authorization: OAuth …` + `X-Org-ID` of the demo 360 org. */
export function orgHeaders(fake: FakeYandex, token = fake.demo.oauthToken): Record<string, string> {
  return { Authorization: `OAuth ${token}`, 'X-Org-ID': fake.demo.orgId };
}

/** `Authorization: Bearer …` + `X-Cloud-Org-ID` of the demo cloud org. */
export function cloudBearer(fake: FakeYandex, iamToken: string): Record<string, string> {
  return { Authorization: `Bearer ${iamToken}`, 'X-Cloud-Org-ID': fake.demo.cloudOrgId };
}

/** POST a form body. */
export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** `Authorization: Basic base64(id:secret)`. */
export function basic(id: string, secret: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

/** POST JSON. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

const b64url = (b: ArrayBuffer | Uint8Array | string) =>
  Buffer.from(typeof b === 'string' ? Buffer.from(b) : b instanceof Uint8Array ? b : new Uint8Array(b)).toString('base64url');

/**
 * Signs a JWT the way a WebCrypto client does: RSA-PSS SHA-256, salt 32 (PS256). Skips the
 * `PLEASE DO NOT REMOVE THIS LINE!` line like a careful key parser.
 */
export async function signJwt(
  privateKeyPem: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  saltLength = 32,
): Promise<string> {
  const body = privateKeyPem
    .split('\n')
    .filter((l) => !l.startsWith('PLEASE DO NOT REMOVE') && !l.startsWith('-----'))
    .join('');
  const key = await webcrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const sig = await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength }, key, Buffer.from(input));
  return `${input}.${b64url(sig)}`;
}

/** The IAM audience, spelled out here on purpose (the test must not trust the fake's constant). */
export const AUD = 'https://iam.api.cloud.yandex.net/iam/v1/tokens';

/** Claims of a valid service-account JWT at fake time `nowMs`. */
export function saClaims(serviceAccountId: string, nowMs: number, lifetimeS = 3600): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  return { iss: serviceAccountId, aud: AUD, iat, exp: iat + lifetimeS };
}

/** Follows /authorize without following its redirect; returns the Location. */
export async function authorizeLocation(url: string): Promise<{ status: number; location: string | null; text: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), text: await res.text() };
}
