import { serializeTl, TL_LAYER, type TlObject } from '@x/mtproto-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gzip, randomBytes } from '../src/crypto/node-crypto.js';
import { readInt64 } from '../src/util/bytes.js';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { RpcErrorResult, type MiniClient } from './helpers/mini-client.js';
import { openClient, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;
let c: MiniClient;
const tl = (value: Record<string, unknown>) => serializeTl(value as unknown as TlObject);
const kinds = () => dc.control.violations().map((violation) => violation.kind);

beforeAll(async () => {
  ({ dc, publicKey } = await startServer({ gzipThreshold: 256 }));
});
afterAll(async () => {
  await dc.close();
});
beforeEach(async () => {
  c = await openClient(dc, 1, { kind: 'tcp', framing: 'intermediate', obfuscated: false });
  await c.createAuthKey({ publicKey });
  await c.invoke({ _: 'help.getNearestDc' }, { layer: true });
  dc.control.clearViolations();
});
afterEach(() => c.close());

describe('session service messages', () => {
  it('announces a new session with new_session_created carrying the first msg_id and the salt', async () => {
    const created = c.inbox.find((message) => message.object._ === 'new_session_created');
    expect(created).toBeDefined();
    expect(created!.seqNo & 1).toBe(1);
    expect(created!.object.serverSalt).toBe(c.authKey!.salt);
    const first = c.inbox.find((message) => message.object._ === 'rpc_result');
    expect(created!.object.firstMsgId).toBe(first!.object.reqMsgId);
    // Server msg_ids: odd, ≡ 1 (mod 4) for answers.
    for (const message of c.inbox) expect(message.msgId & 3n).toBe(1n);
  });

  it('announces a forgotten session again with msg_ids that keep increasing (never a repeat)', async () => {
    const before = c.inbox.reduce((max, message) => (message.msgId > max ? message.msgId : max), 0n);
    dc.control.forgetSessions(1);
    // A server clock 20 s behind makes a fresh msg_id sequence start below the old one.
    dc.control.setFaults({ clockSkewSeconds: -20 }, { dcId: 1 });
    await c.invoke({ _: 'help.getNearestDc' });
    dc.control.clearFaults({ dcId: 1 });
    const created = c.inbox.filter((message) => message.object._ === 'new_session_created');
    expect(created).toHaveLength(2);
    expect(created[1].msgId).toBeGreaterThan(before);
    const after = c.inbox.slice(c.inbox.indexOf(created[1]));
    for (const message of after) expect(message.msgId).toBeGreaterThan(before);
  });

  it('answers ping with a non-content-related pong', async () => {
    const { msgId } = c.sendEncrypted(tl({ _: 'ping', pingId: 77n }), { contentRelated: false });
    const pong = await c.waitFor((message) => message.object._ === 'pong' && message.object.msgId === msgId);
    expect(pong.object.pingId).toBe(77n);
    expect(pong.seqNo & 1).toBe(0);
  });

  it('closes the connection after ping_delay_disconnect expires', async () => {
    c.sendEncrypted(tl({ _: 'ping_delay_disconnect', pingId: 5n, disconnectDelay: 1 }), { contentRelated: false });
    await c.waitFor((message) => message.object._ === 'pong' && message.object.pingId === 5n);
    await c.waitClosed(5000);
  });

  it('answers get_future_salts with a bare future_salts of consecutive salts, the first being current', async () => {
    const { msgId } = c.sendEncrypted(tl({ _: 'get_future_salts', num: 3 }), { contentRelated: false });
    const answer = await c.waitFor((message) => message.object._ === 'future_salts');
    expect(answer.object.reqMsgId).toBe(msgId);
    const salts = answer.object.salts as { validSince: number; validUntil: number; salt: bigint }[];
    expect(salts).toHaveLength(3);
    expect(salts[0].salt).toBe(c.authKey!.salt);
    expect(salts[1].validSince).toBe(salts[0].validUntil);
    expect(salts[2].validSince).toBe(salts[1].validUntil);
  });

  it('answers every message of a container, and gzip_packed requests', async () => {
    const [nearest, ping] = c.sendContainer([
      { body: tl({ _: 'help.getNearestDc' }) },
      { body: tl({ _: 'ping', pingId: 9n }), contentRelated: false },
    ]);
    await c.waitFor((message) => message.object._ === 'rpc_result' && message.object.reqMsgId === nearest);
    await c.waitFor((message) => message.object._ === 'pong' && message.object.msgId === ping);
    const { msgId } = c.sendEncrypted(tl({ _: 'gzip_packed', packedData: gzip(tl({ _: 'help.getNearestDc' })) }));
    const answer = await c.waitFor((message) => message.object._ === 'rpc_result' && message.object.reqMsgId === msgId);
    expect(answer.object.result._).toBe('nearestDc');
    expect(kinds()).toEqual([]);
  });

  it('gzips large results (above the threshold, when it helps)', async () => {
    await c.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: '300:gzip-test' });
    const users = await c.invoke({ _: 'users.getUsers', id: Array.from({ length: 20 }, () => ({ _: 'inputUserSelf' })) });
    expect(users).toHaveLength(20);
    expect(c.inbox.find((message) => Array.isArray(message.object.result))?.gzipped).toBe(true);
    const small = await c.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    expect(small).toHaveLength(1);
    expect(c.inbox.filter((message) => Array.isArray(message.object.result)).map((message) => message.gzipped === true)).toEqual([true, false]);
  });

  it('sends bad_server_salt for a wrong salt and accepts the new one', async () => {
    const { msgId } = c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { salt: 42n });
    const bad = await c.waitFor((message) => message.object._ === 'bad_server_salt');
    expect(bad.object.badMsgId).toBe(msgId);
    expect(bad.object.errorCode).toBe(48);
    expect(bad.object.newServerSalt).toBe(c.authKey!.salt);
  });

  it('resends the cached answer when a msg_id is repeated', async () => {
    const body = tl({ _: 'help.getNearestDc' });
    const { msgId, seqNo } = c.sendEncrypted(body);
    await c.waitFor((message) => message.object._ === 'rpc_result' && message.object.reqMsgId === msgId);
    c.sendEncrypted(body, { msgId, seqNo });
    await expect.poll(() => c.inbox.filter((message) => message.object.reqMsgId === msgId).length).toBe(2);
    expect(kinds()).toEqual([]);
  });

  it('answers msgs_state_req', async () => {
    const { msgId } = c.sendEncrypted(tl({ _: 'help.getNearestDc' }));
    await c.waitFor((message) => message.object.reqMsgId === msgId);
    const future = msgId + (1000n << 32n);
    c.sendEncrypted(tl({ _: 'msgs_state_req', msgIds: [msgId, future] }), { contentRelated: false });
    const info = await c.waitFor((message) => message.object._ === 'msgs_state_info');
    expect([...info.object.info]).toEqual([4 | 64, 3]);
  });

  it('destroys another session of the same key, and says none for an unknown one', async () => {
    const mine = c.sessionId;
    c.newSession();
    await c.invoke({ _: 'help.getNearestDc' });
    const other = c.sessionId;
    c.sessionId = mine;
    c.sendEncrypted(tl({ _: 'destroy_session', sessionId: other }), { contentRelated: false });
    await c.waitFor((message) => message.object._ === 'destroy_session_ok' && message.object.sessionId === other);
    c.sendEncrypted(tl({ _: 'destroy_session', sessionId: 1234n }), { contentRelated: false });
    await c.waitFor((message) => message.object._ === 'destroy_session_none');
  });

  it('answers a quick ack request with the token of the packet', async () => {
    const { quickAckToken } = c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { quickAck: true });
    await expect.poll(() => c.quickAcks).toContain(quickAckToken);
  });

  it('answers unknown and unimplemented methods with 400 like Telegram', async () => {
    const unimplemented = await c.invoke({ _: 'messages.getDialogs', offsetDate: 0, offsetId: 0, offsetPeer: { _: 'inputPeerEmpty' }, limit: 10, hash: 0n }).catch((error: unknown) => error);
    expect(unimplemented).toBeInstanceOf(RpcErrorResult);
    expect((unimplemented as RpcErrorResult).errorMessage).toBe('INPUT_METHOD_INVALID');
    const { msgId } = c.sendEncrypted(Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0));
    const answer = await c.waitFor((message) => message.object.reqMsgId === msgId);
    expect(answer.object.result).toMatchObject({ _: 'rpc_error', errorCode: 400, errorMessage: 'INPUT_METHOD_INVALID' });
    const wrapped = tl({ _: 'invokeWithLayer', layer: TL_LAYER, query: { _: 'help.getNearestDc' } });
    wrapped.set([0x01, 0x02, 0x03, 0x04], 8);
    const second = c.sendEncrypted(wrapped);
    const wrappedAnswer = await c.waitFor((message) => message.object.reqMsgId === second.msgId);
    expect(wrappedAnswer.object.result.errorMessage).toBe('INPUT_METHOD_INVALID');
  });

  it('accepts padded-intermediate packets with 15 trailing padding bytes', async () => {
    const padded = await openClient(dc, 1, { kind: 'tcp', framing: 'padded', obfuscated: false });
    const nonce = randomBytes(16);
    const body = tl({ _: 'req_pq_multi', nonce });
    const packet = new Uint8Array(20 + body.length);
    const view = new DataView(packet.buffer);
    view.setBigInt64(8, padded.newMsgId(), true);
    view.setInt32(16, body.length, true);
    packet.set(body, 20);
    const framed = new Uint8Array(4 + packet.length + 15);
    new DataView(framed.buffer).setUint32(0, packet.length + 15, true);
    framed.set(packet, 4);
    framed.set(randomBytes(15), 4 + packet.length);
    padded.carrier.writeRaw(framed);
    const answer = await padded.nextPlainPacket();
    expect(readInt64(answer, 0)).toBe(0n);
    padded.close();
  });
});

describe('strict mode', () => {
  it('reports msg_id not divisible by 4 (bad_msg 18)', async () => {
    const msgId = c.newMsgId() + 1n;
    c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { msgId });
    const bad = await c.waitFor((message) => message.object._ === 'bad_msg_notification');
    expect(bad.object.errorCode).toBe(18);
    expect(kinds()).toEqual(['msg-id-not-divisible-by-4']);
  });

  it('reports a msg_id that does not increase', async () => {
    const first = c.newMsgId();
    const second = c.newMsgId();
    const firstSeq = c.nextSeqNo(true);
    const secondSeq = c.nextSeqNo(true);
    c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { msgId: second, seqNo: secondSeq });
    c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { msgId: first, seqNo: firstSeq });
    await c.waitFor((message) => message.object.reqMsgId === first);
    expect(kinds()).toEqual(['msg-id-not-increasing']);
  });

  it('reports wrong seq_no parity: bad_msg 35 for an even RPC call; an odd msgs_ack is accepted (as Telegram does)', async () => {
    c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { contentRelated: false });
    await c.waitFor((message) => message.object._ === 'bad_msg_notification' && message.object.errorCode === 35);
    c.sendEncrypted(tl({ _: 'msgs_ack', msgIds: [1n] }), { contentRelated: true });
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    expect(c.inbox.filter((message) => message.object._ === 'bad_msg_notification').map((message) => message.object.errorCode)).toEqual([35]);
    expect(kinds()).toEqual(['seq-no-parity', 'seq-no-parity']);
  });

  it('reports seq_no going backwards (bad_msg 32)', async () => {
    c.nextSeqNo(true);
    c.nextSeqNo(true);
    const high = c.sendEncrypted(tl({ _: 'help.getNearestDc' }));
    await c.waitFor((message) => message.object.reqMsgId === high.msgId);
    c.sendEncrypted(tl({ _: 'help.getNearestDc' }), { seqNo: 1 });
    const bad = await c.waitFor((message) => message.object._ === 'bad_msg_notification');
    expect(bad.object.errorCode).toBe(32);
    expect(kinds()).toEqual(['seq-no-order']);
  });

  it('reports padding outside 12..1024', async () => {
    // A ping body is 12 bytes: 32 + 12 + padding must be a multiple of 16.
    c.sendEncrypted(tl({ _: 'ping', pingId: 1n }), { padding: 4, contentRelated: false });
    c.sendEncrypted(tl({ _: 'ping', pingId: 2n }), { padding: 1044, contentRelated: false });
    await expect.poll(() => kinds()).toEqual(['padding-out-of-range', 'padding-out-of-range']);
  });

  it('reports API calls made before invokeWithLayer on a key', async () => {
    const fresh = await openClient(dc, 1, { kind: 'tcp', framing: 'abridged', obfuscated: false });
    await fresh.createAuthKey({ publicKey });
    await fresh.invoke({ _: 'help.getNearestDc' });
    expect(kinds()).toEqual(['api-call-before-layer']);
    fresh.close();
  });

  it('reports nested containers (bad_msg 64)', async () => {
    const inner = new Uint8Array(8);
    new DataView(inner.buffer).setUint32(0, 0x73f1f8dc, true);
    c.sendContainer([{ body: inner, contentRelated: false }]);
    await c.waitFor((message) => message.object._ === 'bad_msg_notification' && message.object.errorCode === 64);
    expect(kinds()).toEqual(['container-invalid']);
  });
});
