import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRechunkProxy, type RechunkProxy } from '../src/rechunk-proxy.js';

let server: Server | undefined;
let proxy: RechunkProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = proxy = undefined;
});

/** A sink that records the size of every read, and the proxy in front of it. */
async function sinkBehindProxy(mode: 'bytes' | 'coalesce'): Promise<{ reads: number[]; client: Socket }> {
  const reads: number[] = [];
  server = createServer((socket) => socket.on('data', (data) => reads.push(data.length)));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  proxy = await startRechunkProxy({ host: '127.0.0.1', port: address.port }, mode);
  const client = connect({ host: '127.0.0.1', port: proxy.port });
  await new Promise((resolve) => client.once('connect', resolve));
  return { reads, client };
}

async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('re-chunking proxy', () => {
  it('bytes mode delivers one byte per read, in order', async () => {
    const { reads, client } = await sinkBehindProxy('bytes');
    client.write(Buffer.alloc(300, 7));
    await until(() => reads.reduce((a, b) => a + b, 0) === 300);
    expect(reads.every((size) => size === 1)).toBe(true);
    expect(proxy!.forwardedBytes).toBe(300);
    client.destroy();
  });

  it('coalesce mode merges many writes into few reads', async () => {
    const { reads, client } = await sinkBehindProxy('coalesce');
    for (let i = 0; i < 200; i++) client.write(Buffer.alloc(10, i));
    await until(() => reads.reduce((a, b) => a + b, 0) === 2000);
    expect(reads.length).toBeLessThan(50);
    client.destroy();
  });
});
