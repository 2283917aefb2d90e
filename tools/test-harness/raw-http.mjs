// Raw TCP clients for HTTP tests that need what fetch cannot send: malformed request lines,
// endless chunked bodies, bodies that never end, several requests on one connection.
import { connect } from 'node:net';

/**
 * Connect to 127.0.0.1:`port`; resolves once connected. Register it with `track` to destroy it after the test.
 * @param {number} port
 * @param {{ track?: (socket: import('node:net').Socket) => void }} [options]
 * @returns {Promise<import('./index.d.ts').RawConnection>}
 */
export function openRawConnection(port, { track } = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    track?.(socket);
    let data = '';
    /** @type {Array<[string, () => void]>} */
    const waiters = [];
    socket.setEncoding('latin1');
    socket.on('data', (/** @type {string} */ chunk) => {
      data += chunk;
      for (const [text, done] of waiters) if (data.includes(text)) done();
    });
    socket.on('error', () => undefined);
    /** @type {Promise<number>} */
    const closed = new Promise((done) => socket.once('close', () => done(Date.now())));
    socket.once('connect', () =>
      resolve({
        socket,
        text: () => data,
        until: (/** @type {string} */ text) =>
          /** @type {Promise<void>} */ (new Promise((done) => (data.includes(text) ? done(undefined) : waiters.push([text, () => done(undefined)])))),
        closed,
      }),
    );
    socket.once('error', reject);
  });
}

/**
 * Write 16 KiB chunked frames to `socket` for as long as it accepts them (an upload that never
 * ends); `sent()` tells how many bytes went into the socket so far.
 * @param {import('node:net').Socket} socket
 * @returns {{ sent(): number }}
 */
export function pumpEndlessChunkedBody(socket) {
  const frame = Buffer.concat([Buffer.from('4000\r\n'), Buffer.alloc(0x4000, 'x'), Buffer.from('\r\n')]);
  let sent = 0;
  const pump = () => {
    while (!socket.destroyed && socket.writable) {
      sent += frame.length;
      if (!socket.write(frame)) return void socket.once('drain', pump);
    }
  };
  pump();
  return { sent: () => sent };
}
