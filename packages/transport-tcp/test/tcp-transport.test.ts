// The TCP transport against a scripted server on real loopback sockets.
import { createServer, Socket, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, TransportError, type FramingKind } from '@x/mtproto-core';
import { tcpTransport } from '../src/index.js';
import { client } from './client-helpers.js';
import { echo, packet, quickAckToken, sleep, startServer, toHex, until, type LoopbackServer } from './loopback-server.js';

const servers: LoopbackServer[] = [];
async function server(...args: Parameters<typeof startServer>): Promise<LoopbackServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const MODES: Array<[FramingKind, boolean]> = [
  ['abridged', false],
  ['intermediate', false],
  ['padded', false],
  ['full', false],
  ['abridged', true],
  ['intermediate', true],
  ['padded', true],
];

describe.each(MODES)('%s framing, obfuscated=%s', (framing, obfuscated) => {
  it('round trips packets and quick acks, then closes cleanly from the client', async () => {
    const s = await server();
    const c = client({ framing, obfuscated }, { host: s.host, port: s.port });
    expect(c.transport.description).toBe(`tcp/${obfuscated ? 'obfuscated-' : ''}${framing} 127.0.0.1:${s.port}`);
    await c.transport.connect();
    const sent = [packet(1, 1), packet(40, 2), packet(3, 3)];
    for (const p of sent) await c.transport.send(p, { quickAck: true });
    await until(() => c.packets.length === sent.length, 'echoes');
    expect(c.packets.map(toHex)).toEqual(sent.map(toHex));
    expect(c.packets[0]).not.toBeInstanceOf(Buffer);
    if (framing !== 'full') expect(c.quickAcks).toEqual(sent.map(quickAckToken));
    const conn = await s.connection();
    expect(conn.info).toEqual({ framing, obfuscated, ...(obfuscated ? { dcId: 10002 } : {}) });

    await c.transport.close();
    expect(c.closes).toEqual([{ byClient: true }]);
    await conn.ended;
    await expect(c.transport.send(packet(1))).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
  });

  it('carries 1 MiB packets both ways', async () => {
    const s = await server();
    const c = client({ framing, obfuscated }, { host: s.host, port: s.port });
    await c.transport.connect();
    const big = packet(65536 - 2, 9); // 24 + 16 * 65534 bytes, just under 1 MiB
    const huge = packet(65536, 10); // over 1 MiB
    await c.transport.send(big);
    await c.transport.send(huge);
    await until(() => c.packets.length === 2, 'big echoes');
    expect(toHex(c.packets[0])).toBe(toHex(big));
    expect(toHex(c.packets[1])).toBe(toHex(huge));
    await c.transport.close();
  });

  it('pipelines 1,000 packets without losing or reordering any', async () => {
    const s = await server();
    const c = client({ framing, obfuscated }, { host: s.host, port: s.port });
    await c.transport.connect();
    const sent = Array.from({ length: 1000 }, (_, i) => packet(1 + (i % 7), i + 1));
    await Promise.all(sent.map((p) => c.transport.send(p)));
    await until(() => c.packets.length === sent.length, 'all echoes');
    expect(c.packets.map(toHex)).toEqual(sent.map(toHex));
    await c.transport.close();
  });

  it('reports every transport error code, then the server close with the last code', async () => {
    const s = await server((conn) => {
      for (const code of [-404, -429, -444, -403]) conn.sendTransportError(code);
      conn.socket.end();
    });
    const c = client({ framing, obfuscated }, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const info = await c.closed;
    expect(c.errors.map((e) => [e.code, e.transportCode])).toEqual([
      ['TRANSPORT_404', -404],
      ['TRANSPORT_429', -429],
      ['TRANSPORT_444', -444],
      ['TRANSPORT_403', -403],
    ]);
    expect(info.byClient).toBe(false);
    expect(info.error).toBeInstanceOf(TransportError);
    expect(info.error?.code).toBe('TRANSPORT_CLOSED');
    expect(info.error?.transportCode).toBe(-403);
  });
});

describe('connection lifecycle', () => {
  it('connects over IPv6 loopback', async () => {
    const s = await server(echo, { host: '::1' });
    const c = client({}, { host: '::1', port: s.port });
    expect(c.transport.description).toBe(`tcp/obfuscated-intermediate [::1]:${s.port}`);
    await c.transport.connect();
    await c.transport.send(packet(2));
    await until(() => c.packets.length === 1);
    await c.transport.close();
  });

  it('server close (FIN) is TRANSPORT_CLOSED without a transport code', async () => {
    const s = await server((conn) => conn.socket.end());
    const c = client({}, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const info = await c.closed;
    expect(info).toMatchObject({ byClient: false, error: { code: 'TRANSPORT_CLOSED', transportCode: undefined } });
    expect(c.calls).toEqual(['close']);
  });

  it('server reset (RST) is TRANSPORT_RESET', async () => {
    const s = await server((conn) => conn.socket.resetAndDestroy());
    const c = client({}, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const info = await c.closed;
    expect(info).toMatchObject({ byClient: false, error: { code: 'TRANSPORT_RESET' } });
  });

  it('a corrupt stream from the server is TRANSPORT_PROTOCOL', async () => {
    const s = await server((conn) => conn.socket.write(Uint8Array.of(0xff, 0xff, 0xff, 0x7f)));
    const c = client({ obfuscated: false }, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const info = await c.closed;
    expect(info.error?.code).toBe('TRANSPORT_PROTOCOL');
    expect(c.calls).toEqual(['close']);
  });

  it('no handler runs after close, even when the server keeps sending', async () => {
    const s = await server((conn, p) => {
      for (let i = 0; i < 50; i++) conn.send(p.slice());
    });
    const c = client({}, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    await c.transport.close();
    const seen = c.calls.length;
    await sleep(20);
    expect(c.calls.length).toBe(seen);
    expect(c.calls.at(-1)).toBe('close');
    expect(c.calls.filter((call) => call === 'close')).toHaveLength(1);
  });

  it('connect refused: rejects with TRANSPORT_CONNECT_REFUSED, no handler runs', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const c = client({}, { host: '127.0.0.1', port });
    await expect(c.transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_REFUSED' });
    expect(c.calls).toEqual([]);
  });

  it('connect timeout: a socket that never connects rejects with TRANSPORT_CONNECT_TIMEOUT', async () => {
    const stalled: Socket[] = [];
    const c = client(
      {
        connectTimeoutMs: 50,
        // Socket-level pause: a socket that was never asked to connect never emits 'connect'.
        createConnection: () => {
          const socket = new Socket();
          stalled.push(socket);
          return socket;
        },
      },
      { host: '127.0.0.1', port: 1 },
    );
    await expect(c.transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_TIMEOUT' });
    expect(stalled[0].destroyed).toBe(true);
    expect(c.calls).toEqual([]);
  });

  it('connect({ timeoutMs }) overrides the factory default', async () => {
    const c = client({ connectTimeoutMs: 60_000, createConnection: () => new Socket() }, { host: '127.0.0.1', port: 1 });
    await expect(c.transport.connect({ timeoutMs: 20 })).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_TIMEOUT' });
  });

  it('abort and close while connecting', async () => {
    const controller = new AbortController();
    const aborted = client({ createConnection: () => new Socket() }, { host: '127.0.0.1', port: 1 });
    const pending = aborted.transport.connect({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);

    const early = new AbortController();
    early.abort();
    await expect(client({}, { host: '127.0.0.1', port: 1 }).transport.connect({ signal: early.signal })).rejects.toBeInstanceOf(AbortError);

    const closing = client({ createConnection: () => new Socket() }, { host: '127.0.0.1', port: 1 });
    const connecting = closing.transport.connect();
    await closing.transport.close();
    await expect(connecting).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    expect(closing.calls).toEqual([]);
  });

  it('state errors: send before connect, connect twice, no host', async () => {
    const s = await server();
    const c = client({}, { host: s.host, port: s.port });
    await expect(c.transport.send(packet(1))).rejects.toMatchObject({ code: 'TRANSPORT_STATE' });
    await c.transport.connect();
    await expect(c.transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_STATE' });
    await c.transport.close();
    await c.transport.close();
    await expect(client({}, {}).transport.connect()).rejects.toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED' });
  });

  it('idle timeout: a server that accepts but never answers', async () => {
    const s = await server(() => {});
    const c = client({ idleTimeoutMs: 60 }, { host: s.host, port: s.port });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const info = await c.closed;
    expect(info).toMatchObject({ byClient: false, error: { code: 'TRANSPORT_TIMEOUT' } });
  });

  it('options are checked when the factory is made', () => {
    expect(() => tcpTransport({ framing: 'full', obfuscated: true })).toThrow(RangeError);
    expect(tcpTransport({ framing: 'full' }).kind).toBe('tcp');
    expect(() => tcpTransport({ proxy: { mtproxy: 'nonsense' } })).toThrow(RangeError);
    expect(() => tcpTransport({ proxy: { mtproxy: '127.0.0.1:443:abcd' } })).toThrow(TransportError);
  });
});
