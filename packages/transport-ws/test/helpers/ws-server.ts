// A loopback WebSocket server that speaks the server side of Telegram's WS endpoints: it expects
// the 64-byte obfuscated init, decodes the stream with @x/mtproto-core's ServerTransportCodec and
// answers in the client's framing. It records every message so tests can check what went on the wire.
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { defaultCryptoProvider, ServerTransportCodec, type ServerStreamInfo } from '@x/mtproto-core';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsConnection {
  socket: WebSocket;
  /** The TCP socket under it (pause() it to stop reading). */
  tcp: Socket;
  headers: IncomingHttpHeaders;
  protocol: string;
  path: string;
  readonly info: ServerStreamInfo | undefined;
  /** Every binary message as received (a copy, still encrypted). */
  messages: Uint8Array[];
  /** How many packets each message completed, in order. */
  packetsPerMessage: number[];
  packets: Uint8Array[];
  quickAckRequests: boolean[];
  errors: unknown[];
  /** Frames (and encrypts) a packet in the client's framing without sending it. */
  encode(packet: Uint8Array): Uint8Array;
  /** One packet per message. */
  send(packet: Uint8Array): void;
  sendMessage(bytes: Uint8Array): void;
  sendTransportError(code: number): void;
  sendQuickAck(token: number): void;
  closed: Promise<{ code: number; reason: string }>;
}

export type OnPacket = (connection: WsConnection, packet: Uint8Array, quickAck: boolean) => void;

export const echo: OnPacket = (connection, packet) => connection.send(packet.slice());

export interface WsServerOptions {
  /** Serve wss:// with this certificate. */
  tls?: { cert: string; key: string };
  onPacket?: OnPacket;
  /** `framing: 'raw'` peer: every message is one bare packet. */
  raw?: boolean;
  onConnection?: (connection: WsConnection) => void;
  host?: string;
}

export interface WsServer {
  url: string;
  port: number;
  connections: WsConnection[];
  connection(index?: number): Promise<WsConnection>;
  close(): Promise<void>;
}

export async function startWsServer(options: WsServerOptions = {}): Promise<WsServer> {
  const host = options.host ?? '127.0.0.1';
  const onPacket = options.onPacket ?? echo;
  const http: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }) : createHttpServer();
  const sockets = new Set<Socket>();
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, handleProtocols: (protocols) => (protocols.has('binary') ? 'binary' : false) });
  const connections: WsConnection[] = [];
  const waiting: Array<() => void> = [];

  wss.on('connection', (socket, request) => {
    let closed!: (value: { code: number; reason: string }) => void;
    let packetsThisMessage = 0;
    const codec = new ServerTransportCodec(
      { crypto: defaultCryptoProvider, requireObfuscation: true },
      {
        packet: (packet, quickAck) => {
          packetsThisMessage++;
          connection.packets.push(packet);
          connection.quickAckRequests.push(quickAck);
          onPacket(connection, packet, quickAck);
        },
        quickAck: () => {},
        transportError: () => {},
      },
    );
    const write = (bytes: Uint8Array) => {
      if (socket.readyState === socket.OPEN) socket.send(bytes);
    };
    const connection: WsConnection = {
      socket,
      tcp: request.socket,
      headers: request.headers,
      protocol: socket.protocol,
      path: request.url ?? '',
      get info() {
        return codec.info;
      },
      messages: [],
      packetsPerMessage: [],
      packets: [],
      quickAckRequests: [],
      errors: [],
      encode: (packet) => (options.raw ? packet : codec.encode(packet)),
      send: (packet) => write(options.raw ? packet : codec.encode(packet)),
      sendMessage: write,
      sendTransportError: (code) => {
        if (!options.raw) return write(codec.encodeTransportError(code));
        const bytes = new Uint8Array(4);
        new DataView(bytes.buffer).setInt32(0, code, true);
        write(bytes);
      },
      sendQuickAck: (token) => write(codec.encodeQuickAck(token)),
      closed: new Promise((resolve) => (closed = resolve)),
    };
    socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) {
        connection.errors.push(new Error('text message'));
        return;
      }
      const bytes = new Uint8Array(data);
      connection.messages.push(bytes.slice());
      packetsThisMessage = 0;
      try {
        if (options.raw) {
          packetsThisMessage++;
          connection.packets.push(bytes);
          onPacket(connection, bytes, false);
        } else {
          codec.feed(bytes);
        }
      } catch (error) {
        connection.errors.push(error);
        socket.terminate();
      }
      connection.packetsPerMessage.push(packetsThisMessage);
    });
    socket.on('error', (error) => connection.errors.push(error));
    socket.on('close', (code, reason) => closed({ code, reason: reason.toString() }));
    connections.push(connection);
    options.onConnection?.(connection);
    for (const wake of waiting.splice(0)) wake();
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  const scheme = options.tls ? 'wss' : 'ws';
  // The certificate is for "localhost"; plain ws uses the IP.
  const url = `${scheme}://${options.tls ? 'localhost' : host}:${port}/apiws`;
  return {
    url,
    port,
    connections,
    async connection(index = 0) {
      while (connections.length <= index) await new Promise<void>((resolve) => waiting.push(resolve));
      return connections[index];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        for (const socket of sockets) socket.destroy();
        wss.close();
        http.close(() => resolve());
      }),
  };
}

/** An MTProto-looking packet: non-zero auth_key_id, 24-byte header + 16-byte blocks. */
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 5000; i++) {
    if (condition()) return;
    await sleep(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}
