// A WebSocket-only bot never loads TCP code.
import { expect, it, vi } from 'vitest';
import { notInstalled } from './isolation-mocks.js';
import { newClient, startDc } from './helpers.js';

const loaded = vi.hoisted(() => ({ tcp: 0, ws: 0 }));
vi.mock('@x/transport-tcp', () => {
  loaded.tcp++;
  throw notInstalled('@x/transport-tcp');
});
vi.mock('@x/transport-ws', async (importOriginal) => {
  loaded.ws++;
  return importOriginal();
});

it('a WebSocket bot loads @x/transport-ws only, and works without @x/transport-tcp installed', async () => {
  const dc = await startDc();
  try {
    const client = newClient(dc, { webSocket: true });
    await client.connect();
    expect(client.transport).toBe('websocket');
    await client.sendMessage('@alice', 'ws only');
    await client.stop();
    expect(loaded).toEqual({ ws: 1, tcp: 0 });
  } finally {
    await dc.close();
  }
});
