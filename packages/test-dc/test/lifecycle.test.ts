import { describe, expect, it } from 'vitest';
import { startTestDc, type TestDc, type TestDcOptions } from '../src/index.js';
import { parsePublicKeyPem } from './helpers/client-crypto.js';
import { openClient } from './helpers/setup.js';

const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((name) => name !== 'TTYWrap')
    .sort();

/** Starts on fixed ports, trying other bases if another process holds one. */
async function onFreeBase(options: Omit<TestDcOptions, 'portBase'>): Promise<{ dc: TestDc; base: number }> {
  for (let attempt = 0; ; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    try {
      return { dc: await startTestDc({ ...options, portBase: base }), base };
    } catch (error) {
      if (attempt > 20 || !/EADDRINUSE/.test(String(error))) throw error;
    }
  }
}

/** Lets handles of earlier tests finish closing before taking a baseline. */
const settled = async () => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  return handles();
};

describe('lifecycle', () => {
  it('close() releases every socket, server and timer, even with clients still connected', async () => {
    const before = await settled();
    const dc = await startTestDc({ dcIds: [1, 2] });
    const publicKey = parsePublicKeyPem(dc.rsaPublicKeyPem);
    const tcp = await openClient(dc, 1, { kind: 'tcp', framing: 'intermediate', obfuscated: true });
    await tcp.createAuthKey({ publicKey });
    await tcp.invoke({ _: 'help.getNearestDc' }, { layer: true });
    const wss = await openClient(dc, 2, { kind: 'wss', framing: 'intermediate', obfuscated: true });
    await wss.createAuthKey({ publicKey, dc: 2 });
    dc.control.setFaults({ stallMs: 60_000 });
    wss.sendPlain(new Uint8Array(20));
    await dc.close();
    await tcp.waitClosed();
    await wss.waitClosed();
    await expect.poll(handles).toEqual(before);
  });

  it('close() also drops sockets stuck before their TLS or WebSocket handshake', async () => {
    const dc = await startTestDc({ dcIds: [1] });
    const { connect } = await import('node:net');
    const wssPort = Number(new URL(dc.dcs[0].wssUrl!).port);
    const wsPort = Number(new URL(dc.dcs[0].wsUrl).port);
    const sockets = await Promise.all(
      [wssPort, wsPort, dc.dcs[0].tcpPort].map(
        (port) =>
          new Promise<import('node:net').Socket>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
            socket.on('error', () => {});
          }),
      ),
    );
    const closed = sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    await dc.close();
    await Promise.all(closed);
  });

  it('keeps one RSA key across runs when given its private key, and uses fixed ports with portBase', async () => {
    const { dc: first, base } = await onFreeBase({ dcIds: [1], wss: false });
    expect(first.dcs).toEqual([{ id: 1, host: '127.0.0.1', tcpPort: base, wsUrl: `ws://127.0.0.1:${base + 1}/apiws` }]);
    expect(first.tlsCaPem).toBeUndefined();
    const pem = first.rsaPrivateKeyPem;
    await first.close();
    const second = await startTestDc({ dcIds: [1], wss: false, rsaPrivateKeyPem: pem });
    expect(second.rsaPublicKeyPem).toBe(first.rsaPublicKeyPem);
    expect(second.rsaFingerprint).toBe(first.rsaFingerprint);
    expect(second.clientConfig()).toEqual({ dcs: second.dcs, rsaPublicKeyPem: second.rsaPublicKeyPem });
    await second.close();
  });

  it('refuses to start on a taken port and leaves nothing behind', async () => {
    const { dc: first, base } = await onFreeBase({ dcIds: [1], wss: false });
    const before = await settled();
    await expect(startTestDc({ dcIds: [1], wss: false, portBase: base })).rejects.toThrow(/EADDRINUSE/);
    await expect.poll(handles).toEqual(before);
    await first.close();
  });
});
