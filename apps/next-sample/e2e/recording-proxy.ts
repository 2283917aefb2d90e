/**
 * A transparent reverse proxy in front of `next start` that keeps a copy of every response the
 * browser gets from the app: status, headers and the complete body, redirects included.
 * (Reading bodies through the browser's devtools protocol loses documents that were replaced
 * by a navigation; this sees every byte.)
 */
import { createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedResponse {
  method: string;
  /** Path and query as the browser asked. */
  path: string;
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RecordingProxy {
  url: string;
  port: number;
  responses: RecordedResponse[];
  close(): Promise<void>;
}

/** Listen on `port` (0 = any) and forward everything to `target` (e.g. http://127.0.0.1:3001). */
export async function startRecordingProxy(target: string, port = 0): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const responses: RecordedResponse[] = [];
  const server = createServer((req, res) => {
    const headers: OutgoingHttpHeaders = { ...req.headers };
    // Identity bodies, so what is recorded is what a scan can read.
    delete headers['accept-encoding'];
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (answer) => {
        const chunks: Buffer[] = [];
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          res.write(chunk);
        });
        answer.on('end', () => {
          res.end();
          responses.push({
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            status: answer.statusCode ?? 0,
            contentType: String(answer.headers['content-type'] ?? ''),
            headers: answer.headers,
            body: Buffer.concat(chunks),
          });
        });
        answer.on('error', () => res.destroy());
      },
    );
    forward.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    responses,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
