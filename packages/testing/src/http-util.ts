import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the fake reads (bodies are tiny in every real flow). */
const MAX_BODY = 1024 * 1024;

/** Reads the whole request body as UTF-8 (rejects beyond 1 MiB). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a JSON response (compact, `application/json; charset=utf-8`). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Sends text or HTML. */
export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** 302 to `location`. */
export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'content-length': '0', 'cache-control': 'no-store' });
  res.end();
}

/** A single header value, case-insensitively (Node lower-cases names already). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** True when the request body is declared as `application/x-www-form-urlencoded`. */
export function isForm(req: IncomingMessage): boolean {
  return (header(req, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** Form fields as a plain object (last value wins). */
export function formToObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = v;
  return out;
}
