/**
 * A bare node:http server for the hardening tests: each route writes what the test scripts
 * (status, headers, part of a body, then maybe nothing), and the server counts the sockets
 * clients opened and those still held by an unfinished answer, so a test can prove that a
 * client released its connection. (An idle keep-alive socket in the client's pool is not held:
 * its answer was complete.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StallRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type StallHandler = (req: StallRequest, res: ServerResponse) => void;

export interface StallServer {
  url: string;
  requests: StallRequest[];
  /** Sockets clients have opened so far. */
  readonly connections: number;
  /** Sockets still open with an answer the client has not let go of (not finished, not closed). */
  readonly openSockets: number;
  close(): Promise<void>;
}

export async function startStallServer(handler: StallHandler): Promise<StallServer> {
  const requests: StallRequest[] = [];
  const held = new Set<ServerResponse>();
  let connections = 0;
  const server = createServer((req, res) => {
    // 'close' fires when the answer was sent in full, or when the client dropped the socket.
    held.add(res);
    res.on('close', () => held.delete(res));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    get openSockets() {
      return held.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers and the first bytes of a JSON body, then silence: the connection stays open. */
export function stallAfterHeaders(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.write('{"access_token":');
}

/** How long a promise took to settle, and how (never rejects). */
export async function settle<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}
