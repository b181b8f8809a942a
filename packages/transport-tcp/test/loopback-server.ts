// A small scripted MTProto server on loopback for the transport tests: it speaks the server side
// of every framing (plain or obfuscated, detected like a real DC) through ServerTransportCodec.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { defaultCryptoProvider, ServerTransportCodec, type ServerStreamInfo } from '@x/mtproto-core';

export interface ServerConnection {
  socket: Socket;
  readonly info: ServerStreamInfo | undefined;
  packets: Uint8Array[];
  send(packet: Uint8Array): void;
  sendQuickAck(token: number): void;
  sendTransportError(code: number): void;
  errors: unknown[];
  ended: Promise<void>;
}

export interface LoopbackServer {
  host: string;
  port: number;
  connections: ServerConnection[];
  /** Resolves with the next connection (or the one already made). */
  connection(index?: number): Promise<ServerConnection>;
  close(): Promise<void>;
}

export type OnPacket = (connection: ServerConnection, packet: Uint8Array, quickAck: boolean) => void;

/** Echoes each packet, and answers quick-ack requests with a token derived from the packet. */
export const echo: OnPacket = (connection, packet, quickAck) => {
  if (quickAck) connection.sendQuickAck(quickAckToken(packet));
  connection.send(packet.slice());
};

export function quickAckToken(packet: Uint8Array): number {
  return (0x80000000 | (packet[8] << 16) | (packet[9] << 8) | packet[10]) >>> 0;
}

export async function startServer(
  onPacket: OnPacket = echo,
  options: { host?: string; secret?: Uint8Array; onConnection?: (connection: ServerConnection) => void } = {},
): Promise<LoopbackServer> {
  const host = options.host ?? '127.0.0.1';
  const connections: ServerConnection[] = [];
  const waiting: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let ended!: () => void;
    const codec = new ServerTransportCodec(
      { crypto: defaultCryptoProvider, secret: options.secret },
      {
        packet: (packet, quickAck) => {
          connection.packets.push(packet);
          onPacket(connection, packet, quickAck);
        },
        quickAck: () => {},
        transportError: () => {},
      },
    );
    const write = (bytes: Uint8Array) => {
      if (!socket.destroyed) socket.write(bytes);
    };
    const connection: ServerConnection = {
      socket,
      get info() {
        return codec.info;
      },
      packets: [],
      errors: [],
      send: (packet) => write(codec.encode(packet)),
      sendQuickAck: (token) => write(codec.encodeQuickAck(token)),
      sendTransportError: (code) => write(codec.encodeTransportError(code)),
      ended: new Promise<void>((resolve) => (ended = resolve)),
    };
    socket.on('data', (chunk) => {
      try {
        codec.feed(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (error) {
        connection.errors.push(error);
        socket.destroy();
      }
    });
    socket.on('error', (error) => connection.errors.push(error));
    socket.on('close', () => ended());
    connections.push(connection);
    options.onConnection?.(connection);
    for (const wake of waiting.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    connections,
    async connection(index = 0) {
      while (connections.length <= index) await new Promise<void>((resolve) => waiting.push(resolve));
      return connections[index];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An MTProto-looking encrypted packet: non-zero auth_key_id, 24-byte header + 16-byte blocks. */
export function packet(blocks: number, seed = 1): Uint8Array {
  const out = new Uint8Array(24 + blocks * 16);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  out[0] |= 1;
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (condition()) return;
    await sleep(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}
