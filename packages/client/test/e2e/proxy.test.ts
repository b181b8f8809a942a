import { connect, createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { newClient, startDc } from './helpers.js';

/** A minimal HTTP CONNECT proxy on loopback that records where it was asked to go. */
async function startConnectProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    client.once('data', (head) => {
      const match = /^CONNECT ([^\s:]+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'));
      if (!match) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      targets.push(`${match[1]}:${match[2]}`);
      const upstream = connect(Number(match[2]), match[1] === 'localhost' ? '127.0.0.1' : match[1]!, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('proxy', () => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });

  it('reaches the DCs over wss through an HTTP CONNECT proxy (the corporate-firewall case)', async () => {
    const proxy = await startConnectProxy();
    try {
      const client = newClient(dc, { webSocket: true, proxy: proxy.url });
      await client.connect();
      try {
        expect(client.transport).toBe('websocket');
        expect((await client.sendMessage('@alice', 'through the proxy')).text).toBe('through the proxy');
      } finally {
        await client.stop();
      }
      const wssPorts = dc.dcs.map((entry) => new URL(entry.wssUrl!).port);
      expect(proxy.targets.length).toBeGreaterThanOrEqual(2); // DC 2, then the home DC
      for (const target of proxy.targets) expect(wssPorts).toContain(target.split(':')[1]);
    } finally {
      await proxy.close();
    }
  });
});
