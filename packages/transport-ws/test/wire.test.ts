// What goes on the wire, checked by a server that decodes like Telegram's WS front end: the init
// alone in the first message, then exactly one whole packet per message; inbound parsed as a stream.
import { afterEach, describe, expect, it } from 'vitest';
import { webSocketTransport, type WebSocketFraming } from '../src/index.node.js';
import { client } from './helpers/client.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

const servers: WsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startWsServer>[0] = {}) {
  const s = await startWsServer(options);
  servers.push(s);
  return s;
}

describe('outbound: init message, then one packet per message', () => {
  for (const framing of ['intermediate', 'abridged', 'padded'] as const satisfies readonly WebSocketFraming[]) {
    it(`${framing}: 64-byte init alone, then each packet whole in its own message, echoed back`, async () => {
      const s = await server();
      const c = client(webSocketTransport({ framing, tls: false }), { url: s.url });
      await c.transport.connect();
      expect(c.transport.description).toBe(`ws/obfuscated-${framing} ${s.url}`);
      const sent = [packet(1, 1), packet(64, 2), packet(4000, 3), packet(2, 4)];
      for (const p of sent) await c.transport.send(p);
      const conn = await s.connection();
      await until(() => c.packets.length === sent.length, 'echoes');

      expect(conn.protocol).toBe('binary');
      expect(conn.path).toBe('/apiws');
      expect(conn.info).toEqual({ framing, obfuscated: true, dcId: 2 });
      expect(conn.messages[0].length).toBe(64);
      expect(conn.packetsPerMessage).toEqual([0, 1, 1, 1, 1]);
      expect(conn.packets).toEqual(sent);
      expect(c.packets).toEqual(sent);
      expect(conn.errors).toEqual([]);
      // The stream is encrypted: the packet bytes never appear in clear.
      const wire = Buffer.concat(conn.messages.slice(1));
      expect(wire.includes(Buffer.from(sent[2].subarray(0, 32)))).toBe(false);
      await c.transport.close();
    });
  }

  it('the DC id in the init: +10000 for test DCs, negative for media', async () => {
    const s = await server();
    const factory = webSocketTransport({ tls: false });
    for (const target of [
      { dcId: 2, test: true, media: false },
      { dcId: 4, test: false, media: true },
    ]) {
      const c = client(factory, { ...target, url: s.url });
      await c.transport.connect();
      await c.transport.send(packet(1));
      await until(() => c.packets.length === 1, 'echo');
      await c.transport.close();
    }
    expect(s.connections.map((conn) => conn.info?.dcId)).toEqual([10002, -4]);
  });

  it('quick acks: requested in the framing, delivered to handlers.quickAck', async () => {
    const s = await server({ onPacket: (conn, p, quickAck) => quickAck && conn.sendQuickAck(0x80000000 | p[8]) });
    const c = client(webSocketTransport({ tls: false }), { url: s.url });
    await c.transport.connect();
    const p = packet(2, 9);
    await c.transport.send(p, { quickAck: true });
    await until(() => c.quickAcks.length === 1, 'quick ack');
    const conn = await s.connection();
    expect(conn.quickAckRequests).toEqual([true]);
    expect(c.quickAcks).toEqual([(0x80000000 | p[8]) >>> 0]);
    await c.transport.close();
  });

  it('packets sent without awaiting keep their order and boundaries', async () => {
    const s = await server();
    const c = client(webSocketTransport({ tls: false }), { url: s.url });
    await c.transport.connect();
    const sent = Array.from({ length: 200 }, (_, i) => packet(1 + (i % 7), i + 1));
    await Promise.all(sent.map((p) => c.transport.send(p)));
    await until(() => c.packets.length === sent.length, 'echoes');
    const conn = await s.connection();
    expect(conn.packetsPerMessage).toEqual([0, ...sent.map(() => 1)]);
    expect(c.packets).toEqual(sent);
    await c.transport.close();
  });

  it('a target with host and port only gets the /apiws URL built', async () => {
    const s = await server();
    const c = client(webSocketTransport({ tls: false }), { host: '127.0.0.1', port: s.port, test: true });
    await c.transport.connect();
    expect(c.transport.description).toBe(`ws/obfuscated-intermediate ws://127.0.0.1:${s.port}/apiws_test`);
    expect((await s.connection()).path).toBe('/apiws_test');
    await c.transport.close();
  });

  it('sends extra headers on the upgrade request', async () => {
    const s = await server();
    const c = client(webSocketTransport({ tls: false, headers: { Origin: 'https://web.telegram.org' } }), { url: s.url });
    await c.transport.connect();
    expect((await s.connection()).headers.origin).toBe('https://web.telegram.org');
    await c.transport.close();
  });
});

describe('inbound: a byte stream, whatever the message boundaries', () => {
  async function connected() {
    const s = await server({ onPacket: () => {} });
    const c = client(webSocketTransport({ tls: false }), { url: s.url });
    await c.transport.connect();
    await c.transport.send(packet(1)); // the server learns the stream keys from the init
    const conn = await s.connection();
    await until(() => conn.packets.length === 1, 'first packet');
    return { s, c, conn };
  }

  function concat(parts: Uint8Array[]): Uint8Array {
    return new Uint8Array(Buffer.concat(parts));
  }

  it('packets split into 1-byte messages', async () => {
    const { c, conn } = await connected();
    const answers = [packet(3, 5), packet(1, 6)];
    const stream = concat(answers.map((a) => conn.encode(a)));
    for (let i = 0; i < stream.length; i++) conn.sendMessage(stream.subarray(i, i + 1));
    await until(() => c.packets.length === 2, 'answers');
    expect(c.packets).toEqual(answers);
    await c.transport.close();
  });

  it('many packets merged into one message, and cut at odd places across messages', async () => {
    const { c, conn } = await connected();
    const answers = Array.from({ length: 30 }, (_, i) => packet(1 + ((i * 37) % 50), 100 + i));
    const stream = concat(answers.map((a) => conn.encode(a)));
    conn.sendMessage(stream.subarray(0, 1000));
    let at = 1000;
    for (const size of [1, 2, 3, 5, 777, 4096, 13]) {
      conn.sendMessage(stream.subarray(at, at + size));
      at += size;
    }
    conn.sendMessage(stream.subarray(at));
    await until(() => c.packets.length === answers.length, 'answers');
    expect(c.packets).toEqual(answers);
    expect(c.errors).toEqual([]);
    await c.transport.close();
  });

  it('a text message is a protocol error', async () => {
    const { c, conn } = await connected();
    conn.socket.send('hello');
    const info = await c.closed;
    expect(info.error?.code).toBe('TRANSPORT_PROTOCOL');
    expect(info.error?.message).toMatch(/text message/);
  });

  it('a corrupt stream closes with TRANSPORT_PROTOCOL and no handler runs after', async () => {
    const { c, conn } = await connected();
    // Garbage through the CTR stream: an absurd intermediate length.
    conn.sendMessage(new Uint8Array(64).fill(0x7f));
    const info = await c.closed;
    expect(info.error?.code).toBe('TRANSPORT_PROTOCOL');
    conn.send(packet(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(c.calls.filter((call) => call === 'close')).toEqual(['close']);
    expect(c.calls.at(-1)).toBe('close');
  });

  it('a message far over maxPacketLength is refused by the carrier: TRANSPORT_PROTOCOL', async () => {
    const s = await server({ onPacket: () => {} });
    const c = client(webSocketTransport({ tls: false, maxPacketLength: 1024 }), { url: s.url });
    await c.transport.connect();
    await c.transport.send(packet(1));
    const conn = await s.connection();
    await until(() => conn.packets.length === 1, 'first packet');
    conn.sendMessage(new Uint8Array(1024 + 65536 + 1));
    const info = await c.closed;
    expect(info.error?.code).toBe('TRANSPORT_PROTOCOL');
    expect(info.error?.message).toMatch(/WS_ERR_UNSUPPORTED_MESSAGE_LENGTH/);
  });

  it('a handler that throws closes the transport with TRANSPORT_HANDLER', async () => {
    const s = await server();
    const factory = webSocketTransport({ tls: false });
    let closed!: (info: unknown) => void;
    const done = new Promise((resolve) => (closed = resolve));
    const transport = factory.create(
      { dcId: 2, test: false, media: false, url: s.url },
      {
        packet: () => {
          throw new Error('boom');
        },
        transportError: () => {},
        close: (info) => closed(info),
      },
    );
    await transport.connect();
    await transport.send(packet(1));
    expect(await done).toMatchObject({ byClient: false, error: { code: 'TRANSPORT_HANDLER' } });
  });
});
