import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { MemorySessionStorage } from '../../src/index.node.js';
import { closedPort, startBlackHole } from './black-hole.js';
import { BOT_HOME_DC, newClient, startDc } from './helpers.js';

/** The test DC's table with every TCP port replaced. */
function withTcpPort(dc: TestDc, port: number) {
  const config = dc.clientConfig();
  return { ...config, dcs: config.dcs.map((entry) => ({ ...entry, tcpPort: port })) };
}

describe("transport: 'auto'", () => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });

  it('uses TCP when TCP works', async () => {
    const client = newClient(dc, { transport: 'auto' });
    await client.connect();
    try {
      expect(client.transport).toBe('tcp');
      expect((await client.sendMessage('@alice', 'over tcp')).text).toBe('over tcp');
    } finally {
      await client.stop();
    }
  });

  it('falls back to WebSocket when the TCP port is closed', async () => {
    const client = newClient(dc, { transport: 'auto', dcs: withTcpPort(dc, await closedPort()) });
    await client.connect();
    try {
      expect(client.transport).toBe('websocket');
      expect(client.connectionInfo()?.address).toMatch(/^wss:\/\//);
      expect((await client.sendMessage('@alice', 'after fallback')).text).toBe('after fallback');
    } finally {
      await client.stop();
    }
  });

  it.each(['silent', 'paused'] as const)(
    'falls back to WebSocket when the TCP port is black-holed (%s), and remembers it for the next start',
    async (mode) => {
      const hole = await startBlackHole(mode);
      const storage = new MemorySessionStorage();
      try {
        const dcs = withTcpPort(dc, hole.port);
        const first = newClient(dc, { transport: 'auto', autoFallbackMs: 800, dcs, storage });
        const states: string[] = [];
        first.on('connection', (event) => void states.push(`${event.dcId}:${event.transport ?? '-'}:${event.state}`));
        await first.connect();
        try {
          expect(first.transport).toBe('websocket');
          expect(first.dcId).toBe(BOT_HOME_DC);
          expect(hole.accepted).toBeGreaterThanOrEqual(1);
          expect(states).toContain(`${BOT_HOME_DC}:websocket:connected`);
        } finally {
          await first.stop();
        }
        expect((await storage.load())?.transport).toBe('websocket');

        // Second start: WebSocket first, TCP never touched.
        const acceptedBefore = hole.accepted;
        const second = newClient(dc, { transport: 'auto', autoFallbackMs: 800, dcs, storage });
        await second.connect();
        try {
          expect(second.transport).toBe('websocket');
          expect(second.connectionInfo()?.authKey).toBe('reused');
          expect(hole.accepted).toBe(acceptedBefore);
        } finally {
          await second.stop();
        }
      } finally {
        await hole.close();
      }
    },
  );

  it('gives a clear error when no transport reaches the DC', async () => {
    const port = await closedPort();
    const config = withTcpPort(dc, port);
    const dcs = { ...config, dcs: config.dcs.map((entry) => ({ ...entry, wssUrl: `wss://localhost:${port}/apiws` })) };
    const client = newClient(dc, { transport: 'auto', dcs });
    await expect(client.connect()).rejects.toMatchObject({ code: 'TRANSPORT_UNREACHABLE', message: expect.stringMatching(/tcp 127\.0\.0\.1:\d+: .*; websocket wss:/) });
  });
});
