// Back-pressure: a server that stops reading makes send() wait instead of buffering without bound.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { webSocketTransport as nodeWebSocketTransport } from '../src/index.node.js';
import { webSocketTransport as platformWebSocketTransport, type WebSocketConstructor } from '../src/index.js';
import { portableCryptoProvider, type TransportFactory } from '@x/mtproto-core';
import { client } from './helpers/client.js';
import { packet, sleep, startWsServer, until, type WsServer } from './helpers/ws-server.js';

const servers: WsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const highWaterMark = 256 * 1024;
const carriers: Array<[string, (options: { highWaterMark: number; maxBufferedBytes?: number }) => TransportFactory]> = [
  ['ws (flush callbacks)', (options) => nodeWebSocketTransport({ tls: false, ...options })],
  [
    'platform WebSocket (polling bufferedAmount)',
    (options) =>
      platformWebSocketTransport({ tls: false, WebSocket: WebSocket as unknown as WebSocketConstructor, crypto: portableCryptoProvider, ...options }),
  ],
];

describe('back-pressure', () => {
  for (const [name, factory] of carriers) {
    it(`${name}: send() waits while more than the high-water mark is queued, then every packet arrives`, async () => {
      const s = await startWsServer({ onPacket: () => {}, onConnection: (conn) => conn.tcp.pause() });
      servers.push(s);
      const c = client(factory({ highWaterMark }), { url: s.url });
      await c.transport.connect();
      const size = packet(8191).length; // 128 KiB
      let sent = 0;
      let blocked: Promise<void> | undefined;
      // Keep sending until one send() stays pending: loopback kernel buffers take a few MiB first.
      while (sent < 800) {
        const pending = c.transport.send(packet(8191, sent + 1));
        sent++;
        const done = await Promise.race([pending.then(() => true), sleep(30).then(() => false)]);
        if (!done && c.transport.bufferedAmount > highWaterMark) {
          blocked = pending;
          break;
        }
        await pending;
      }
      expect(blocked).toBeDefined();
      // While blocked, the transport holds at most the mark plus the message that crossed it.
      expect(c.transport.bufferedAmount).toBeLessThan(highWaterMark + size + 64);

      const conn = await s.connection();
      conn.tcp.resume();
      await blocked;
      await until(() => conn.packets.length === sent, 'every packet at the server');
      expect(conn.packetsPerMessage.slice(1).every((count) => count === 1)).toBe(true);
      expect(conn.errors).toEqual([]);
      await c.transport.close();
    });
  }

  it('callers that never await hit TRANSPORT_BUFFER_FULL, and the stream stays consistent', async () => {
    const s = await startWsServer({ onPacket: () => {}, onConnection: (conn) => conn.tcp.pause() });
    servers.push(s);
    const c = client(nodeWebSocketTransport({ tls: false, highWaterMark: 64 * 1024, maxBufferedBytes: 1024 * 1024 }), { url: s.url });
    await c.transport.connect();
    const results: Array<Promise<string>> = [];
    for (let i = 0; i < 2000; i++) {
      results.push(
        c.transport.send(packet(2047, i + 1)).then(
          () => 'ok',
          (error: { code: string }) => error.code,
        ),
      );
      if (i % 100 === 99) await sleep(1);
    }
    const conn = await s.connection();
    conn.tcp.resume();
    const outcomes = await Promise.all(results);
    const accepted = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes).toContain('TRANSPORT_BUFFER_FULL');
    expect(new Set(outcomes)).toEqual(new Set(['ok', 'TRANSPORT_BUFFER_FULL']));
    await until(() => conn.packets.length === accepted, 'accepted packets at the server');
    expect(conn.errors).toEqual([]);
    await c.transport.close();
  });

  it('pending sends reject when the transport closes', async () => {
    const s = await startWsServer({ onPacket: () => {}, onConnection: (conn) => conn.tcp.pause() });
    servers.push(s);
    const c = client(nodeWebSocketTransport({ tls: false, highWaterMark: 1024, closeTimeoutMs: 50 }), { url: s.url });
    await c.transport.connect();
    let pending: Promise<void> | undefined;
    for (let i = 0; i < 400 && pending === undefined; i++) {
      const p = c.transport.send(packet(8191, i + 1));
      if (!(await Promise.race([p.then(() => true), sleep(20).then(() => false)]))) pending = p;
    }
    expect(pending).toBeDefined();
    const outcome = pending!.then(
      () => 'resolved',
      (error: { code: string }) => error.code,
    );
    await c.transport.close();
    expect(await outcome).toBe('TRANSPORT_CLOSED');
  });
});
