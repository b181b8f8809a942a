// With a transport package missing: a clear error naming what to install, and 'auto' goes on with
// what is installed.
import { expect, it, vi } from 'vitest';
import { notInstalled } from './isolation-mocks.js';
import { newClient, startDc } from './helpers.js';

vi.mock('@x/transport-ws', () => {
  throw notInstalled('@x/transport-ws');
});

it('webSocket: true without @x/transport-ws says to install it; auto falls back to TCP alone', async () => {
  const dc = await startDc();
  try {
    const ws = newClient(dc, { webSocket: true });
    await expect(ws.connect()).rejects.toMatchObject({
      code: 'TRANSPORT_MISSING',
      message: expect.stringContaining('npm install @x/transport-ws'),
    });
    const auto = newClient(dc, { transport: 'auto' });
    await auto.connect();
    expect(auto.transport).toBe('tcp');
    await auto.stop();
  } finally {
    await dc.close();
  }
});
