/** Hostile input never crashes the server: it closes that connection and keeps serving. */
import { connect } from 'node:net';
import { serializeTl, type TlObject } from '@x/mtproto-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from '../src/crypto/node-crypto.js';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { openClient, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;

beforeAll(async () => {
  ({ dc, publicKey } = await startServer({ strict: false }));
});
afterAll(async () => {
  await dc.close();
});

async function stillServes(): Promise<void> {
  const c = await openClient(dc, 1, { kind: 'tcp', framing: 'intermediate', obfuscated: true });
  await c.createAuthKey({ publicKey });
  expect((await c.invoke({ _: 'help.getNearestDc' }, { layer: true })).thisDc).toBe(1);
  c.close();
}

function sendRaw(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: dc.dcs[0].host, port: dc.dcs[0].tcpPort }, () => socket.end(bytes));
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.resume();
  });
}

describe('garbage', () => {
  it('random streams on the TCP port', async () => {
    const prefixes = [[0xef], [0xee, 0xee, 0xee, 0xee], [0xdd, 0xdd, 0xdd, 0xdd], [0x10, 0, 0, 0, 0, 0, 0, 0], [0x47, 0x45, 0x54, 0x20], []];
    for (let round = 0; round < 60; round++) {
      const prefix = prefixes[round % prefixes.length];
      await sendRaw(Buffer.concat([Buffer.from(prefix), randomBytes(1 + (round * 37) % 300)]));
    }
    await stillServes();
  });

  it('random WebSocket messages, text messages and huge lengths', async () => {
    for (const payload of [randomBytes(64), randomBytes(200), Buffer.from('hello'), Buffer.from([0xef, 0x7f, 0xff, 0xff, 0xff])]) {
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(dc.dcs[0].wsUrl, ['binary']);
        ws.on('open', () => ws.send(payload, { binary: payload.length !== 5 }));
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
        setTimeout(() => ws.terminate(), 500);
      });
    }
    await stillServes();
  });

  it('well-encrypted messages with garbage bodies', async () => {
    const c = await openClient(dc, 1, { kind: 'tcp', framing: 'abridged', obfuscated: false });
    await c.createAuthKey({ publicKey });
    await c.invoke({ _: 'help.getNearestDc' }, { layer: true });
    const ids = [0x73f1f8dc, 0x3072cfa1, 0x62d6b459, 0xda9b0d0d, 0xc1cd5ea9, 0x7abe77ec, 0xb921bd04, 0x12345678];
    for (let round = 0; round < 80; round++) {
      const body = randomBytes(4 * (1 + (round % 40)));
      new DataView(body.buffer).setUint32(0, ids[round % ids.length], true);
      c.sendEncrypted(body, { contentRelated: round % 3 !== 0 });
    }
    c.sendEncrypted(serializeTl({ _: 'invokeWithLayer', layer: 1, query: { _: 'gzip_packed', packedData: randomBytes(40) } } as unknown as TlObject));
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    c.close();
    await stillServes();
  });
});
