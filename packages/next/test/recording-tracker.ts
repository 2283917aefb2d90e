/**
 * A stand-in Tracker on 127.0.0.1:0 that records what reached it (method, raw path, headers,
 * body) and answers JSON, with a Set-Cookie and a Link header pointing back at itself.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingTracker {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startRecordingTracker(): Promise<RecordingTracker> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      const self = `http://${req.headers.host}`;
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': 'upstream=1; Path=/',
        'x-total-count': '1',
        link: `<${self}/v3/issues?page=2>; rel="next"`,
        'x-internal': 'nope',
      });
      res.end(JSON.stringify({ ok: true, method: req.method, url: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
