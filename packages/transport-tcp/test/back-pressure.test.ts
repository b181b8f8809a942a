// Back-pressure: a server that stops reading makes send() wait instead of buffering without bound.
import { afterEach, describe, expect, it } from 'vitest';
import type { TcpTransport } from '../src/index.js';
import { client } from './client-helpers.js';
import { packet, sleep, startServer, until, type LoopbackServer } from './loopback-server.js';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server that reads nothing until told to, and counts what it finally receives. */
async function stalledServer() {
  const s = await startServer(() => {}, { onConnection: (conn) => conn.socket.pause() });
  servers.push(s);
  return s;
}

describe('back-pressure', () => {
  for (const obfuscated of [false, true]) {
    it(`send() waits for drain once the socket holds more than the high-water mark (obfuscated=${obfuscated})`, async () => {
      const s = await stalledServer();
      const highWaterMark = 256 * 1024;
      const c = client({ obfuscated, highWaterMark }, { host: s.host, port: s.port });
      await c.transport.connect();
      const transport = c.transport as TcpTransport;
      const size = packet(8191).length; // 128 KiB
      let sent = 0;
      let blocked: Promise<void> | undefined;
      // Keep sending until one send() stays pending: loopback kernel buffers hold a few MiB first.
      while (sent < 800) {
        const pending = c.transport.send(packet(8191, sent + 1));
        sent++;
        const done = await Promise.race([pending.then(() => true), sleep(30).then(() => false)]);
        if (!done && transport.bufferedAmount >= highWaterMark) {
          blocked = pending;
          break;
        }
        await pending; // a late drain on a slow machine: keep going
      }
      expect(blocked).toBeDefined();
      // While blocked, the transport holds at most the mark plus the packet that crossed it.
      expect(transport.bufferedAmount).toBeGreaterThanOrEqual(highWaterMark);
      expect(transport.bufferedAmount).toBeLessThan(highWaterMark + size + 64);

      const conn = await s.connection();
      conn.socket.resume();
      await blocked;
      await until(() => conn.packets.length === sent, 'every packet at the server');
      expect(conn.errors).toEqual([]);
      await c.transport.close();
    });
  }

  it('callers that never await hit TRANSPORT_BUFFER_FULL, and the stream stays consistent', async () => {
    const s = await stalledServer();
    const c = client({ highWaterMark: 64 * 1024, maxBufferedBytes: 1024 * 1024 }, { host: s.host, port: s.port });
    await c.transport.connect();
    const results: Array<Promise<'ok' | string>> = [];
    for (let i = 0; i < 2000; i++) {
      results.push(
        c.transport.send(packet(2047, i + 1)).then(
          () => 'ok',
          (error: { code: string }) => error.code,
        ),
      );
      // Let the socket hand bytes to the kernel between bursts, as a real producer would.
      if (i % 100 === 99) await sleep(1);
    }
    const conn = await s.connection();
    conn.socket.resume();
    const outcomes = await Promise.all(results);
    const accepted = outcomes.filter((o) => o === 'ok').length;
    expect(outcomes).toContain('TRANSPORT_BUFFER_FULL');
    expect(new Set(outcomes)).toEqual(new Set(['ok', 'TRANSPORT_BUFFER_FULL']));
    await until(() => conn.packets.length === accepted, 'accepted packets at the server');
    expect(conn.errors).toEqual([]);
    await c.transport.close();
  });

  it('pending sends reject when the transport closes', async () => {
    const s = await stalledServer();
    const c = client({ highWaterMark: 16 * 1024 }, { host: s.host, port: s.port });
    await c.transport.connect();
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 400; i++) pending.push(c.transport.send(packet(2047, i + 1)).catch((error: Error) => error));
    const closing = c.transport.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.some((o) => o instanceof Error && (o as { code?: string }).code === 'TRANSPORT_CLOSED')).toBe(true);
    (await s.connection()).socket.destroy();
    await closing;
    expect(c.closes).toEqual([{ byClient: true }]);
  });
});
