// framing: 'raw' — one bare MTProto packet per binary message, no init, no tag, no length.
import { afterEach, expect, it } from 'vitest';
import { webSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

const servers: WsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connected() {
  const s = await startWsServer({ raw: true });
  servers.push(s);
  const c = client(webSocketTransport({ tls: false, framing: 'raw' }), { url: s.url });
  await c.transport.connect();
  return { s, c };
}

it('each packet is exactly one message, byte for byte, and answers come back the same way', async () => {
  const { s, c } = await connected();
  expect(c.transport.description).toBe(`ws/raw ${s.url}`);
  const sent = [packet(1, 1), packet(100, 2)];
  for (const p of sent) await c.transport.send(p);
  await until(() => c.packets.length === 2, 'echoes');
  const conn = await s.connection();
  expect(conn.messages).toEqual(sent);
  expect(c.packets).toEqual(sent);
  await c.transport.close();
});

it('a 4-byte negative message is a transport error; short messages are protocol errors', async () => {
  const { s, c } = await connected();
  const conn = await s.connection();
  conn.sendTransportError(-404);
  await until(() => c.errors.length === 1, 'transport error');
  expect(c.errors[0].transportCode).toBe(-404);
  conn.sendMessage(Uint8Array.of(1, 2, 3));
  expect((await c.closed).error?.code).toBe('TRANSPORT_PROTOCOL');
});

it('an empty packet cannot be sent; the transport stays open', async () => {
  const { c } = await connected();
  expect((await rejection(c.transport.send(new Uint8Array(0)))).code).toBe('FRAMING_PAYLOAD');
  await c.transport.send(packet(1));
  await until(() => c.packets.length === 1, 'echo');
  await c.transport.close();
});
