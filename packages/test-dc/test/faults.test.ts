/** Each fault switch, and what a client sees when it fires. */
import { serializeTl, type TlObject } from '@x/mtproto-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from '../src/crypto/node-crypto.js';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { RpcErrorResult, type MiniClient } from './helpers/mini-client.js';
import { openClient, startServer, type Route } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;
const clients: MiniClient[] = [];
const tl = (value: Record<string, unknown>) => serializeTl(value as unknown as TlObject);

async function ready(route: Omit<Route, 'name'> = { kind: 'tcp', framing: 'intermediate', obfuscated: true }, dcId = 1): Promise<MiniClient> {
  const c = await openClient(dc, dcId, route);
  clients.push(c);
  await c.createAuthKey({ publicKey });
  await c.invoke({ _: 'help.getNearestDc' }, { layer: true });
  return c;
}

beforeAll(async () => {
  ({ dc, publicKey } = await startServer());
});
afterAll(async () => {
  await dc.close();
});
beforeEach(() => dc.control.clearViolations());
afterEach(() => {
  dc.control.clearFaults();
  for (const c of clients.splice(0)) c.close();
  // No fault here is the client's fault: strict mode must stay quiet.
  expect(dc.control.violations()).toEqual([]);
});

describe('fault switches', () => {
  it('dropAfterPackets: serves N packets, then drops the connection on the next one', async () => {
    dc.control.setFaults({ dropAfterPackets: 2 }, { dcId: 1 });
    const c = await openClient(dc, 1, { kind: 'tcp', framing: 'abridged', obfuscated: false });
    clients.push(c);
    await expect(c.createAuthKey({ publicKey })).rejects.toThrow(/closed/);
    const closed = await c.waitClosed();
    expect(c.transportErrors).toEqual([]);
    expect(closed.error === undefined || /ECONNRESET/.test(String(closed.error))).toBe(true);
  });

  it('faults set on one connection leave the others alone', async () => {
    const victim = await ready();
    const bystander = await ready();
    dc.control.setFaults({ dropAfterPackets: 0 }, { connectionId: victim.connectionId(dc.control.connections(1)) });
    victim.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    await victim.waitClosed();
    expect((await bystander.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
  });

  it.each([-404, -429, -444])('transportError %i: the next packet is answered with the code, then the connection closes', async (code) => {
    const c = await ready();
    dc.control.setFaults({ transportError: code }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    await c.waitClosed();
    expect(c.transportErrors).toEqual([code]);
  });

  it('transportError over Full framing arrives as bare int32 words (as observed from Telegram)', async () => {
    const c = await ready({ kind: 'tcp', framing: 'full', obfuscated: false });
    dc.control.setFaults({ transportError: -429 }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    await c.waitClosed();
    expect(c.transportErrors.length).toBeGreaterThan(0);
    expect(new Set(c.transportErrors)).toEqual(new Set([-429]));
  });

  it('transportError over WebSocket: the code in a packet, then close 1000 with the code as reason', async () => {
    const c = await ready({ kind: 'ws', framing: 'intermediate', obfuscated: true });
    dc.control.setFaults({ transportError: -404 }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    const closed = await c.waitClosed();
    expect(c.transportErrors).toEqual([-404]);
    expect(closed).toMatchObject({ code: 1000, reason: '-404' });
  });

  it('corruptFrames: the client cannot decrypt the next message (msg_key mismatch)', async () => {
    const c = await ready();
    dc.control.setFaults({ corruptFrames: 1 }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    await expect.poll(() => c.undecryptable.length).toBe(1);
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
  });

  it('corruptFrames over Full framing: the client sees a CRC error', async () => {
    const c = await ready({ kind: 'tcp', framing: 'full', obfuscated: false });
    dc.control.setFaults({ corruptFrames: 1 }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    const closed = await c.waitClosed();
    expect(String(closed.error)).toMatch(/CRC/);
  });

  it('wrongMsgKey: the next encrypted message fails the msg_key check', async () => {
    const c = await ready({ kind: 'wss', framing: 'padded', obfuscated: true });
    dc.control.setFaults({ wrongMsgKey: 1 }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    await expect.poll(() => c.undecryptable.length).toBe(1);
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
  });

  it('stallMs: answers are held back, then delivered in order', async () => {
    const c = await ready();
    dc.control.setFaults({ stallMs: 1500 }, { dcId: 1 });
    const { msgId } = c.sendEncrypted(tl({ _: 'ping', pingId: 3n }), { contentRelated: false });
    const isPong = (message: { object: { _: string; msgId?: bigint } }) => message.object._ === 'pong' && message.object.msgId === msgId;
    await expect(c.waitFor(isPong, 300)).rejects.toThrow(/no message/);
    await c.waitFor(isPong, 5000);
  });

  it('floodWait: FLOOD_WAIT_X for the chosen method, `count` times', async () => {
    const c = await ready();
    dc.control.setFaults({ floodWait: { method: 'help.getNearestDc', seconds: 7, count: 1 } }, { dcId: 1 });
    const error = await c.invoke({ _: 'help.getNearestDc' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RpcErrorResult);
    expect(error).toMatchObject({ errorCode: 420, errorMessage: 'FLOOD_WAIT_7' });
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
  });

  it('rotateSalts: the next message gets bad_server_salt, the retry with the new salt works', async () => {
    const c = await ready();
    const before = c.authKey!.salt;
    dc.control.rotateSalts(1);
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    const bad = c.inbox.find((message) => message.object._ === 'bad_server_salt');
    expect(bad?.object.errorCode).toBe(48);
    expect(c.authKey!.salt).not.toBe(before);
  });

  it.each([600, -600])('clockSkewSeconds %i: bad_msg_notification 16/17, the client corrects its clock', async (skew) => {
    const c = await ready();
    dc.control.setFaults({ clockSkewSeconds: skew }, { dcId: 1 });
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    const bad = c.inbox.find((message) => message.object._ === 'bad_msg_notification');
    expect(bad?.object.errorCode).toBe(skew > 0 ? 16 : 17);
    expect(Math.abs(c.authKey!.timeOffset - skew)).toBeLessThan(5);
  });

  it('clockSkewSeconds also moves server_time in the handshake', async () => {
    dc.control.setFaults({ clockSkewSeconds: 3600 }, { dcId: 1 });
    const c = await ready();
    expect(Math.abs(c.authKey!.timeOffset - 3600)).toBeLessThan(5);
  });

  it.each([
    [1000, '-404'],
    [4000, 'going away'],
  ])('wsClose %i: the WebSocket is closed with that code and reason', async (code, reason) => {
    const c = await ready({ kind: 'ws', framing: 'abridged', obfuscated: true });
    dc.control.setFaults({ wsClose: { code, reason } }, { dcId: 1 });
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { contentRelated: false });
    expect(await c.waitClosed()).toMatchObject({ code, reason });
  });

  it('dropConnections: every connection of the DC is dropped', async () => {
    const c = await ready();
    expect(dc.control.dropConnections({ dcId: 1 })).toBeGreaterThan(0);
    await c.waitClosed();
  });

  it('refuses unknown switches and out-of-range values', () => {
    expect(() => dc.control.setFaults({ wsClose: { code: 1006 } })).toThrow(TypeError);
    expect(() => dc.control.setFaults({ transportError: 404 })).toThrow(TypeError);
    expect(() => dc.control.setFaults({ nonsense: 1 } as never)).toThrow(TypeError);
  });
});

describe('WebSocket strict checks', () => {
  it('reports several transport packets in one WebSocket message', async () => {
    const c = await openClient(dc, 1, { kind: 'ws', framing: 'intermediate', obfuscated: true });
    clients.push(c);
    const codec = c.carrier.codec;
    const one = codec.encode(c.plainPacket(tl({ _: 'req_pq_multi', nonce: randomBytes(16) })));
    const two = codec.encode(c.plainPacket(tl({ _: 'req_pq_multi', nonce: randomBytes(16) })));
    c.carrier.writeRaw(Buffer.concat([one, two]));
    await c.nextPlainPacket();
    expect(dc.control.violations().map((violation) => violation.kind)).toEqual(['ws-several-packets-in-message']);
    dc.control.clearViolations();
  });

  it('reports a packet split across WebSocket messages', async () => {
    const c = await openClient(dc, 1, { kind: 'wss', framing: 'abridged', obfuscated: true });
    clients.push(c);
    const framed = c.carrier.codec.encode(c.plainPacket(tl({ _: 'req_pq_multi', nonce: randomBytes(16) })));
    c.carrier.writeRaw(framed.slice(0, 10));
    c.carrier.writeRaw(framed.slice(10));
    await c.nextPlainPacket();
    expect(dc.control.violations().map((violation) => violation.kind)).toEqual(['ws-packet-split-across-messages']);
    dc.control.clearViolations();
  });

  it('reports a WebSocket upgrade without the binary subprotocol', async () => {
    const c = await openClient(dc, 1, { kind: 'ws', framing: 'intermediate', obfuscated: true, protocols: [] });
    clients.push(c);
    await c.createAuthKey({ publicKey });
    expect(dc.control.violations().map((violation) => violation.kind)).toEqual(['ws-missing-binary-subprotocol']);
    dc.control.clearViolations();
  });

  it('accepts the init and the first packet in one message (TDLib style)', async () => {
    const c = await openClient(dc, 1, { kind: 'ws', framing: 'intermediate', obfuscated: true, initWithFirstPacket: true });
    clients.push(c);
    await c.createAuthKey({ publicKey });
  });

  it('refuses plain (non-obfuscated) framing on WebSocket, as Telegram does', async () => {
    const c = await openClient(dc, 1, { kind: 'ws', framing: 'intermediate', obfuscated: false });
    clients.push(c);
    await expect(c.createAuthKey({ publicKey })).rejects.toThrow();
    await c.waitClosed();
  });
});
