// wss:// on loopback with a self-signed certificate: verified by default, trusted only through `ca`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { webSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';
import { localhostCertificate, type TestCertificate } from './helpers/tls.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

let certificate: TestCertificate;
let other: TestCertificate;
let server: WsServer;

beforeAll(async () => {
  [certificate, other] = await Promise.all([localhostCertificate(), localhostCertificate()]);
  server = await startWsServer({ tls: certificate });
});
afterAll(() => server.close());

it('wss:// with the server CA given: obfuscated stream, one packet per message, round trip', async () => {
  const c = client(webSocketTransport({ ca: certificate.cert }), { url: server.url });
  await c.transport.connect();
  expect(c.transport.description).toBe(`wss/obfuscated-intermediate ${server.url}`);
  const sent = [packet(3, 1), packet(1000, 2)];
  for (const p of sent) await c.transport.send(p);
  await until(() => c.packets.length === 2, 'echoes');
  expect(c.packets).toEqual(sent);
  const conn = server.connections.at(-1)!;
  expect(conn.packetsPerMessage).toEqual([0, 1, 1]);
  await c.transport.close();
  expect(await conn.closed).toEqual({ code: 1000, reason: '' });
});

it('an untrusted certificate fails: no CA given', async () => {
  const c = client(webSocketTransport(), { url: server.url });
  const error = await rejection(c.transport.connect());
  expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
  expect(error.message).toMatch(/TLS certificate of wss:\/\/localhost:\d+\/apiws not trusted/);
  expect(error.message).toMatch(/`ca` option/);
  expect(c.calls).toEqual([]);
});

it('an untrusted certificate fails: the wrong CA given', async () => {
  const c = client(webSocketTransport({ ca: other.cert }), { url: server.url });
  const error = await rejection(c.transport.connect());
  expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
  expect(error.message).toMatch(/not trusted/);
});

it('the host name is checked too: a trusted certificate for another name fails', async () => {
  const elsewhere = await localhostCertificate(['example.test']);
  const s = await startWsServer({ tls: elsewhere });
  try {
    const c = client(webSocketTransport({ ca: elsewhere.cert }), { url: s.url });
    const error = await rejection(c.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
    expect(error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
  } finally {
    await s.close();
  }
});
