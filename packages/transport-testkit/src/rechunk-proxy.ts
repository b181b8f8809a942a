/**
 * A loopback TCP proxy that re-chunks the byte stream in both directions, so a transport's
 * reassembly is exercised whatever its carrier (raw TCP, TLS, WebSocket frames...):
 * - `bytes`: every byte is written on its own, one event-loop turn apart, so the reader sees
 *   1-byte reads;
 * - `coalesce`: bytes are held for a short window and then written back-to-back in pieces of
 *   random size, so one read carries several packets and packet boundaries fall anywhere.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export type RechunkMode = 'bytes' | 'coalesce';

export interface RechunkProxy {
  readonly port: number;
  /** Bytes forwarded so far, both directions (0 means nobody connected through the proxy). */
  readonly forwardedBytes: number;
  close(): Promise<void>;
}

const COALESCE_WINDOW_MS = 15;

export async function startRechunkProxy(upstream: { host: string; port: number }, mode: RechunkMode): Promise<RechunkProxy> {
  const sockets = new Set<Socket>();
  let forwardedBytes = 0;
  const count = (bytes: number) => {
    forwardedBytes += bytes;
  };
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    const remote = connect({ host: upstream.host, port: upstream.port });
    remote.setNoDelay(true);
    for (const socket of [client, remote]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A reset on either side just ends the pair; the transport under test reports it.
      socket.on('error', () => {});
    }
    pipe(client, remote, mode, count);
    pipe(remote, client, mode, count);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    get forwardedBytes() {
      return forwardedBytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Forwards `from` to `to` re-chunked, in order, and mirrors end and close. */
function pipe(from: Socket, to: Socket, mode: RechunkMode, count: (bytes: number) => void): void {
  const queue: Buffer[] = [];
  let flushing = false;
  let ended = false;

  const finish = () => {
    if (ended && !flushing && queue.length === 0 && !to.destroyed) to.end();
  };
  const flushBytes = () => {
    const chunk = queue[0];
    if (chunk === undefined || to.destroyed) {
      flushing = false;
      finish();
      return;
    }
    to.write(chunk.subarray(0, 1));
    if (chunk.length > 1) queue[0] = chunk.subarray(1);
    else queue.shift();
    setImmediate(flushBytes);
  };
  const flushCoalesced = () => {
    flushing = false;
    const all = Buffer.concat(queue.splice(0));
    for (let offset = 0; offset < all.length && !to.destroyed; ) {
      const size = 1 + Math.floor(Math.random() * 3000);
      to.write(all.subarray(offset, offset + size));
      offset += size;
    }
    finish();
  };

  from.on('data', (data: Buffer) => {
    count(data.length);
    queue.push(data);
    if (flushing) return;
    flushing = true;
    if (mode === 'bytes') setImmediate(flushBytes);
    else setTimeout(flushCoalesced, COALESCE_WINDOW_MS);
  });
  from.on('end', () => {
    ended = true;
    finish();
  });
  from.on('close', () => {
    // An abrupt close (reset) propagates at once; a clean end waits for the queue to drain.
    if (!ended) to.destroy();
  });
}
