// The platform entry (browsers, Deno, Bun) runs here with an injected WHATWG WebSocket class: the
// `ws` package's, or a stubbed `globalThis.WebSocket` (Node 20 has no global one by default).
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { portableCryptoProvider } from '@x/mtproto-core';
import { webSocketTransport, type WebSocketConstructor } from '../src/index.js';
import { webSocketTransport as nodeWebSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

const WsClass = WebSocket as unknown as WebSocketConstructor;
// What browsers get by default; the test server runs node:crypto, so this also checks the two agree.
const crypto = portableCryptoProvider;
const servers: WsServer[] = [];
afterEach(async () => {
  vi.unstubAllGlobals();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startWsServer>[0] = {}) {
  const s = await startWsServer(options);
  servers.push(s);
  return s;
}

describe('platform WebSocket carrier', () => {
  it('round trip with the same wire format: init alone, one packet per message, stream inbound', async () => {
    const s = await server();
    const c = client(webSocketTransport({ tls: false, WebSocket: WsClass, crypto, framing: 'abridged' }), { url: s.url });
    await c.transport.connect();
    const sent = [packet(1, 1), packet(300, 2), packet(5, 3)];
    for (const p of sent) await c.transport.send(p);
    await until(() => c.packets.length === sent.length, 'echoes');
    const conn = await s.connection();
    expect(conn.protocol).toBe('binary');
    expect(conn.info?.framing).toBe('abridged');
    expect(conn.packetsPerMessage).toEqual([0, 1, 1, 1]);
    expect(c.packets).toEqual(sent);

    // Inbound split at odd places still parses.
    const answers = [packet(2, 8), packet(9, 9)];
    const stream = Buffer.concat(answers.map((a) => conn.encode(a)));
    conn.sendMessage(stream.subarray(0, 3));
    conn.sendMessage(stream.subarray(3, 200));
    conn.sendMessage(stream.subarray(200));
    await until(() => c.packets.length === sent.length + 2, 'split answers');
    expect(c.packets.slice(sent.length)).toEqual(answers);

    await c.transport.close();
    expect(await conn.closed).toEqual({ code: 1000, reason: '' });
    expect(c.closes).toEqual([{ byClient: true }]);
  });

  it('globalThis.WebSocket is used when no class is given', async () => {
    const s = await server();
    vi.stubGlobal('WebSocket', WebSocket);
    const c = client(webSocketTransport({ tls: false, crypto }), { url: s.url });
    await c.transport.connect();
    await c.transport.send(packet(1));
    await until(() => c.packets.length === 1, 'echo');
    await c.transport.close();

    // The Node entry can be told to use it too.
    const d = client(nodeWebSocketTransport({ tls: false, WebSocket: 'global' }), { url: s.url });
    await d.transport.connect();
    await d.transport.close();
    expect(s.connections.length).toBe(2);
  });

  it('no WebSocket class at all is a clear error', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => webSocketTransport({ crypto })).toThrow(/no global WebSocket/);
    expect(() => nodeWebSocketTransport({ WebSocket: 'global' })).toThrow(/no global WebSocket/);
  });

  it('server close reason with a code, and an abnormal end', async () => {
    const s = await server({ onPacket: () => {} });
    const factory = webSocketTransport({ tls: false, WebSocket: WsClass, crypto });
    const c = client(factory, { url: s.url });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const conn = await s.connection();
    await until(() => conn.packets.length === 1, 'packet');
    conn.socket.close(1000, '-404');
    expect((await c.closed).error).toMatchObject({ code: 'TRANSPORT_CLOSED', closeCode: 1000, transportCode: -404 });
    expect(c.errors.map((e) => e.code)).toEqual(['TRANSPORT_404']);

    const d = client(factory, { url: s.url });
    await d.transport.connect();
    (await s.connection(1)).socket.terminate();
    expect((await d.closed).error).toMatchObject({ code: 'TRANSPORT_RESET', closeCode: 1006 });
  });

  it('a failed connect says the platform gives no details', async () => {
    const s = await server();
    const url = s.url;
    await s.close();
    servers.pop();
    const c = client(webSocketTransport({ tls: false, WebSocket: WsClass, crypto }), { url });
    const error = await rejection(c.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
    expect(error.closeCode).toBe(1006);
    expect(error.message).toMatch(/gives no details/);
    expect(c.calls).toEqual([]);
  });

  it('refuses options the platform cannot honour', () => {
    for (const key of ['ca', 'proxy', 'headers', 'agent']) {
      expect(() => webSocketTransport({ WebSocket: WsClass, crypto, [key]: 'x' } as never)).toThrow(new RegExp(`\`${key}\``));
    }
    expect(() => nodeWebSocketTransport({ WebSocket: WsClass, ca: 'x' })).toThrow(/needs the ws carrier/);
  });

  it('crypto defaults to @x/mtproto-core defaultCryptoProvider', async () => {
    const s = await server();
    const c = client(webSocketTransport({ tls: false, WebSocket: WsClass }), { url: s.url });
    await c.transport.connect();
    await c.transport.send(packet(4));
    await until(() => c.packets.length === 1, 'echo');
    expect(c.packets).toEqual([packet(4)]);
    await c.transport.close();
  });
});
