// HTTP CONNECT proxies: from the option or from HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { proxyFromEnvironment, webSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';
import { localhostCertificate, type TestCertificate } from './helpers/tls.js';
import { packet, startWsServer, until, type WsServer } from './helpers/ws-server.js';

interface Proxy {
  url: string;
  /** `CONNECT host:port` lines seen, with the Proxy-Authorization header if any. */
  requests: Array<{ target: string; auth: string | undefined }>;
  close(): void;
}

/** A tiny CONNECT proxy on loopback. With `password`, it wants Basic auth for user "u". */
async function startProxy(password?: string): Promise<Proxy> {
  const requests: Proxy['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((_request, res) => res.writeHead(405).end());
  server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    const auth = request.headers['proxy-authorization'];
    requests.push({ target: request.url ?? '', auth });
    if (password !== undefined && auth !== `Basic ${Buffer.from(`u:${password}`).toString('base64')}`) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = (request.url ?? '').split(':');
    // Loopback only: this proxy never reaches anything else.
    if (host !== '127.0.0.1' && host !== 'localhost') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

let certificate: TestCertificate;
let ws: WsServer;
let wss: WsServer;
const proxies: Proxy[] = [];

beforeAll(async () => {
  certificate = await localhostCertificate();
  [ws, wss] = await Promise.all([startWsServer(), startWsServer({ tls: certificate })]);
});
afterAll(async () => {
  await Promise.all([ws.close(), wss.close()]);
});
afterEach(() => {
  vi.unstubAllEnvs();
  for (const proxy of proxies.splice(0)) proxy.close();
});

async function proxy(password?: string) {
  const p = await startProxy(password);
  proxies.push(p);
  return p;
}

async function roundTrip(c: ReturnType<typeof client>) {
  await c.transport.connect();
  await c.transport.send(packet(2, 7));
  await until(() => c.packets.length === 1, 'echo');
  expect(c.packets).toEqual([packet(2, 7)]);
  await c.transport.close();
}

function clearProxyEnvironment() {
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy']) vi.stubEnv(name, '');
}

describe('proxy option', () => {
  it('ws:// through the proxy', async () => {
    const p = await proxy();
    await roundTrip(client(webSocketTransport({ tls: false, proxy: p.url }), { url: ws.url }));
    expect(p.requests.map((r) => r.target)).toEqual([`127.0.0.1:${ws.port}`]);
  });

  it('wss:// through the proxy: TLS end to end, still verified against `ca`', async () => {
    const p = await proxy();
    await roundTrip(client(webSocketTransport({ proxy: p.url, ca: certificate.cert }), { url: wss.url }));
    expect(p.requests.map((r) => r.target)).toEqual([`localhost:${wss.port}`]);

    const untrusted = client(webSocketTransport({ proxy: p.url }), { url: wss.url });
    const error = await rejection(untrusted.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
    expect(error.message).toMatch(/not trusted \(through the proxy\)/);
  });

  it('credentials in the proxy URL; a 407 is a clear error', async () => {
    const p = await proxy('secret');
    const withAuth = new URL(p.url);
    withAuth.username = 'u';
    withAuth.password = 'secret';
    await roundTrip(client(webSocketTransport({ tls: false, proxy: withAuth.href }), { url: ws.url }));
    expect(p.requests[0].auth).toBe(`Basic ${Buffer.from('u:secret').toString('base64')}`);

    const c = client(webSocketTransport({ tls: false, proxy: p.url }), { url: ws.url });
    const error = await rejection(c.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
    expect(error.message).toMatch(/proxy wants authentication.*407/);
  });

  it('a proxy that is down: refused, said to be the proxy', async () => {
    const p = await proxy();
    p.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const c = client(webSocketTransport({ tls: false, proxy: p.url }), { url: ws.url });
    const error = await rejection(c.transport.connect());
    expect(error.code).toBe('TRANSPORT_CONNECT_REFUSED');
    expect(error.message).toMatch(/proxy refused/);
  });
});

describe('proxy from the environment', () => {
  it('HTTP_PROXY for ws://, HTTPS_PROXY for wss://', async () => {
    const plain = await proxy();
    const secure = await proxy();
    clearProxyEnvironment();
    vi.stubEnv('HTTP_PROXY', plain.url);
    vi.stubEnv('HTTPS_PROXY', secure.url);
    await roundTrip(client(webSocketTransport({ tls: false }), { url: ws.url }));
    await roundTrip(client(webSocketTransport({ ca: certificate.cert }), { url: wss.url }));
    expect(plain.requests.map((r) => r.target)).toEqual([`127.0.0.1:${ws.port}`]);
    expect(secure.requests.map((r) => r.target)).toEqual([`localhost:${wss.port}`]);
  });

  it('NO_PROXY bypasses, and proxy: false ignores the environment', async () => {
    const p = await proxy();
    clearProxyEnvironment();
    vi.stubEnv('HTTP_PROXY', p.url);
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    await roundTrip(client(webSocketTransport({ tls: false }), { url: ws.url }));
    vi.stubEnv('NO_PROXY', '');
    await roundTrip(client(webSocketTransport({ tls: false, proxy: false }), { url: ws.url }));
    expect(p.requests).toEqual([]);
  });

  it('proxyFromEnvironment maps ws/wss to the HTTP variables', () => {
    clearProxyEnvironment();
    vi.stubEnv('HTTPS_PROXY', 'http://proxy.test:3128');
    vi.stubEnv('NO_PROXY', '.internal.test');
    expect(proxyFromEnvironment('wss://venus.web.telegram.org/apiws')).toBe('http://proxy.test:3128');
    expect(proxyFromEnvironment('ws://venus.web.telegram.org/apiws')).toBeUndefined();
    expect(proxyFromEnvironment('wss://dc.internal.test/apiws')).toBeUndefined();
  });
});
