// A network that answers the WebSocket upgrade with an HTML page or a redirect instead of 101.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { webSocketTransport } from '../src/index.node.js';
import { client, rejection } from './helpers/client.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** An HTTP server that answers every upgrade request with `response` (raw HTTP text). */
async function answering(response: string): Promise<string> {
  const server = createServer((_request, res) => res.end());
  server.on('upgrade', (_request, socket) => socket.end(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/apiws`;
}

function html(status: string, headers: string[] = []): string {
  const body = '<html><body>Please log in to use the Wi-Fi</body></html>';
  return [`HTTP/1.1 ${status}`, 'Content-Type: text/html; charset=utf-8', `Content-Length: ${body.length}`, ...headers, '', body].join('\r\n');
}

it('a 302 redirect to a login page is TRANSPORT_CAPTIVE_PORTAL', async () => {
  const url = await answering(html('302 Found', ['Location: http://portal.example/login']));
  const c = client(webSocketTransport({ tls: false }), { url });
  const error = await rejection(c.transport.connect());
  expect(error.code).toBe('TRANSPORT_CAPTIVE_PORTAL');
  expect(error.message).toContain('HTTP 302 (text/html) redirecting to http://portal.example/login instead of 101');
  expect(error.message).toMatch(/captive portal/);
  expect(c.calls).toEqual([]);
});

it('a 200 HTML page is TRANSPORT_CAPTIVE_PORTAL', async () => {
  const url = await answering(html('200 OK'));
  const c = client(webSocketTransport({ tls: false }), { url });
  const error = await rejection(c.transport.connect());
  expect(error.code).toBe('TRANSPORT_CAPTIVE_PORTAL');
  expect(error.message).toContain('HTTP 200 (text/html)');
});

it('other refusals are TRANSPORT_CONNECT_FAILED with the status', async () => {
  const url = await answering(html('403 Forbidden'));
  const c = client(webSocketTransport({ tls: false }), { url });
  const error = await rejection(c.transport.connect());
  expect(error.code).toBe('TRANSPORT_CONNECT_FAILED');
  expect(error.message).toContain('refused the WebSocket upgrade: HTTP 403 (text/html)');
});
