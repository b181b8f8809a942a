// Close codes, transport errors and connect failures as typed TransportErrors.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError } from '@x/mtproto-core';
import { transportCodeFromReason, webSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

const servers: WsServer[] = [];
const tcpServers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const s of tcpServers.splice(0)) s.close();
});

async function connected() {
  const s = await startWsServer({ onPacket: () => {} });
  servers.push(s);
  const c = client(webSocketTransport({ tls: false }), { url: s.url });
  await c.transport.connect();
  await c.transport.send(packet(1));
  const conn = await s.connection();
  await until(() => conn.packets.length === 1, 'first packet');
  return { s, c, conn };
}

/** A TCP server that accepts and then says nothing (for timeouts). */
async function silentServer(): Promise<number> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tcpServers.push(server);
  return (server.address() as AddressInfo).port;
}

describe('server-side errors', () => {
  it('a transport error packet reaches handlers.transportError; the close carries its code', async () => {
    const { c, conn } = await connected();
    conn.sendTransportError(-404);
    await until(() => c.errors.length === 1, 'transport error');
    expect(c.errors[0]).toMatchObject({ code: 'TRANSPORT_404', transportCode: -404 });
    conn.socket.close(1000);
    const info = await c.closed;
    expect(info.byClient).toBe(false);
    expect(info.error).toMatchObject({ code: 'TRANSPORT_CLOSED', closeCode: 1000, transportCode: -404 });
    expect(c.calls).toEqual(['transportError', 'close']);
  });

  for (const reason of ['-429', ' 429', '429 ']) {
    it(`a close reason "${reason}" becomes transport error -429`, async () => {
      const { c, conn } = await connected();
      conn.socket.close(1000, reason);
      const info = await c.closed;
      expect(c.errors.map((e) => e.transportCode)).toEqual([-429]);
      expect(info.error).toMatchObject({ code: 'TRANSPORT_CLOSED', closeCode: 1000, transportCode: -429 });
      expect(info.error?.message).toMatch(/transport error -429: transport flood/);
    });
  }

  it('a packet and a close reason with the same code are reported once', async () => {
    const { c, conn } = await connected();
    conn.sendTransportError(-444);
    await until(() => c.errors.length === 1, 'transport error');
    conn.socket.close(1000, '-444');
    await c.closed;
    expect(c.errors.map((e) => e.transportCode)).toEqual([-444]);
  });

  it('other close codes keep code and reason', async () => {
    const { c, conn } = await connected();
    conn.socket.close(1011, 'internal trouble');
    const info = await c.closed;
    expect(info.error).toMatchObject({ code: 'TRANSPORT_CLOSED', closeCode: 1011, transportCode: undefined });
    expect(info.error?.message).toMatch(/1011 \(server error\), reason "internal trouble"/);
  });

  it('an abnormal end (no close frame) is TRANSPORT_RESET with close code 1006', async () => {
    const { c, conn } = await connected();
    conn.socket.terminate();
    const info = await c.closed;
    expect(info.error).toMatchObject({ code: 'TRANSPORT_RESET', closeCode: 1006 });
  });

  it('transportCodeFromReason reads decimal codes only', () => {
    expect(transportCodeFromReason('-404')).toBe(-404);
    expect(transportCodeFromReason('  404  ')).toBe(-404);
    expect(transportCodeFromReason('0')).toBeUndefined();
    expect(transportCodeFromReason('')).toBeUndefined();
    expect(transportCodeFromReason('bye 404')).toBeUndefined();
    expect(transportCodeFromReason('4.04')).toBeUndefined();
  });
});

describe('client close', () => {
  it('sends close 1000, reports byClient once, and refuses sends after', async () => {
    const { c, conn } = await connected();
    const closing = c.transport.close();
    expect(c.transport.close()).toBe(closing);
    await closing;
    expect(await conn.closed).toEqual({ code: 1000, reason: '' });
    expect(c.closes).toEqual([{ byClient: true }]);
    expect((await rejection(c.transport.send(packet(1)))).code).toBe('TRANSPORT_CLOSED');
    await c.transport.close();
    expect(c.closes.length).toBe(1);
  });

  it('gives up waiting for the server close frame after closeTimeoutMs', async () => {
    const s = await startWsServer({ onConnection: (conn) => conn.tcp.pause() });
    servers.push(s);
    const c = client(webSocketTransport({ tls: false, closeTimeoutMs: 50 }), { url: s.url });
    await c.transport.connect();
    await c.transport.close();
    expect(c.closes).toEqual([{ byClient: true }]);
  });

  it('close() before connect() and during connect()', async () => {
    const idle = client(webSocketTransport({ tls: false }), { url: 'ws://127.0.0.1:9/apiws' });
    await idle.transport.close();
    expect((await rejection(idle.transport.connect())).code).toBe('TRANSPORT_STATE');

    const port = await silentServer();
    const c = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
    const connecting = c.transport.connect();
    await c.transport.close();
    expect((await rejection(connecting)).code).toBe('TRANSPORT_CLOSED');
    expect(c.calls).toEqual([]);
  });
});

describe('connect failures', () => {
  it('refused: TRANSPORT_CONNECT_REFUSED', async () => {
    const port = await silentServer();
    tcpServers.pop()!.close();
    const c = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
    const error = await rejection(c.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_REFUSED');
    expect(c.calls).toEqual([]);
  });

  it('no answer: TRANSPORT_CONNECT_TIMEOUT', async () => {
    const port = await silentServer();
    const c = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
    const error = await rejection(c.transport.connect({ timeoutMs: 100 }));
    expect(error.code).toBe('TRANSPORT_CONNECT_TIMEOUT');
    expect(c.calls).toEqual([]);
  });

  it('abort signal: AbortError, before and during connect', async () => {
    const port = await silentServer();
    const c = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
    const controller = new AbortController();
    const connecting = c.transport.connect({ signal: controller.signal });
    controller.abort();
    expect(await rejection(connecting)).toBeInstanceOf(AbortError);

    const d = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
    expect(await rejection(d.transport.connect({ signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
  });

  it('a server that does not speak the binary subprotocol', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => false });
    await new Promise((resolve) => wss.on('listening', resolve));
    const { port } = wss.address() as AddressInfo;
    try {
      const c = client(webSocketTransport({ tls: false }), { url: `ws://127.0.0.1:${port}/apiws` });
      const error = await rejection(c.transport.connect());
      expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
      expect(error.message).toMatch(/subprotocol/);
    } finally {
      wss.close();
    }
  });

  it('bad targets are reported by connect(), not by create()', async () => {
    const factory = webSocketTransport();
    for (const target of [{ url: 'https://venus.web.telegram.org/apiws' }, { url: 'not a url' }, {}]) {
      const c = client(factory, target);
      const error = await rejection(c.transport.connect());
      expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
    }
  });

  it('send() before connect() is TRANSPORT_STATE', async () => {
    const c = client(webSocketTransport(), { url: 'wss://127.0.0.1:9/apiws' });
    expect((await rejection(c.transport.send(packet(1)))).code).toBe('TRANSPORT_STATE');
  });

  it('bad options throw at once', () => {
    expect(() => webSocketTransport({ framing: 'full' as 'raw' })).toThrow(RangeError);
    expect(() => webSocketTransport({ highWaterMark: -1 })).toThrow(RangeError);
    expect(() => webSocketTransport({ proxy: 'socks5://127.0.0.1:1080' })).toThrow(/agent/);
  });
});
