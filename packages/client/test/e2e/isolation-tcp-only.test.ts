// A TCP-only bot never loads WebSocket code.
import { expect, it, vi } from 'vitest';
import { notInstalled } from './isolation-mocks.js';
import { newClient, startDc } from './helpers.js';

const loaded = vi.hoisted(() => ({ tcp: 0, ws: 0 }));
vi.mock('@x/transport-tcp', async (importOriginal) => {
  loaded.tcp++;
  return importOriginal();
});
vi.mock('@x/transport-ws', () => {
  loaded.ws++;
  throw notInstalled('@x/transport-ws');
});

it('a TCP bot loads @x/transport-tcp only, and works without @x/transport-ws installed', async () => {
  const dc = await startDc();
  try {
    const client = newClient(dc, {});
    await client.connect();
    expect(client.transport).toBe('tcp');
    await client.sendMessage('@alice', 'tcp only');
    await client.stop();
    expect(loaded).toEqual({ tcp: 1, ws: 0 });
  } finally {
    await dc.close();
  }
});
