/** TCP listeners that break in the ways firewalls do, for the 'auto' fallback tests. */
import { createServer, type Server, type Socket } from 'node:net';

export interface BlackHole {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  close(): Promise<void>;
}

/**
 * `mode: 'silent'`: accepts, reads and discards everything, never answers.
 * `mode: 'paused'`: accepts and never reads (the kernel buffers, nothing answers).
 */
export async function startBlackHole(mode: 'silent' | 'paused'): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: mode === 'paused' }, (socket) => {
    hole.accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    if (mode === 'silent') socket.on('data', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const hole: BlackHole = {
    port: typeof address === 'object' && address ? address.port : 0,
    accepted: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return hole;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
