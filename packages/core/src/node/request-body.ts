/**
 * Reads a Node request body for the proxy: whole, up to a byte limit, within a deadline, so an
 * oversize or trickled upload is refused before anything reaches Tracker and a 401 can be
 * replayed with exactly the same bytes.
 */
import type { IncomingMessage } from 'node:http';
import type { BodyVerdict } from '../web/proxy-decide.js';

/**
 * The body as one `Buffer` (`undefined` when empty), or why it was not taken. The declared
 * length is checked before reading; a chunked body is counted while it arrives and cut off at
 * `max`. On every verdict the stream is left paused and unlistened, for the answer to decide
 * between draining it and closing the connection.
 */
export function readRequestBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Buffer | undefined | BodyVerdict> {
  // A body parser already took the stream (Express with express.json() before the proxy).
  if (req.readableEnded) {
    const parsed = parsedBody(req);
    return Promise.resolve(parsed !== undefined && parsed.length > max ? 'too-large' : parsed);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) return Promise.resolve('too-large');
  if (declared === '0' && req.headers['transfer-encoding'] === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: Buffer | undefined | BodyVerdict) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onFail);
      req.off('aborted', onFail);
      if (typeof result === 'string') req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > max) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(total === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total));
    const onFail = () => finish('unreadable');
    // The incoming side has no library deadline of its own: one timer per body-carrying request.
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    timer.unref();
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onFail);
    req.once('aborted', onFail);
  });
}

/** What a body parser left on `req.body`, as bytes again. */
function parsedBody(req: IncomingMessage): Buffer | undefined {
  const parsed = (req as { body?: unknown }).body;
  if (parsed === undefined || parsed === null) return undefined;
  if (typeof parsed === 'string') return parsed === '' ? undefined : Buffer.from(parsed);
  if (parsed instanceof Uint8Array) return parsed.byteLength === 0 ? undefined : Buffer.from(parsed.buffer, parsed.byteOffset, parsed.byteLength);
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/x-www-form-urlencoded')) {
    return Buffer.from(new URLSearchParams(parsed as Record<string, string>).toString());
  }
  return Buffer.from(JSON.stringify(parsed));
}
