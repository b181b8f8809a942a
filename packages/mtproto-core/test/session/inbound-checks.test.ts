// Spec §7.6 through the whole session: each check fed a bad server packet. A packet that fails a
// crypto-level check (length, auth_key_id, msg_key, padding) is discarded and the connection is
// replaced; one that fails a message-level check (session id, msg_id parity, replay, time window)
// is discarded. Either way the bad packet never settles a call, and the call still completes.
import { describe, expect, it } from 'vitest';
import { TlWriter, type TlObject } from '../../src/index.js';
import { createSession, settle, waitFor } from './helpers.js';
import { buildPlaintext, ScriptedServer, type Call, type PlaintextFields } from './scripted-server.js';

interface Harness {
  server: ScriptedServer;
  session: Awaited<ReturnType<typeof setup>>['session'];
  log: Awaited<ReturnType<typeof setup>>['log'];
  calls: Call[];
}

/** A connected session whose server records calls and answers only when told. */
async function setup() {
  const server = new ScriptedServer();
  const calls: Call[] = [];
  server.onCall = (call) => void calls.push(call);
  const { session, log } = createSession(server, { authKey: server.createKey(), ackDelayMs: 5, reconnect: { maxDelayMs: 50 } });
  await session.connect();
  return { server, session, log, calls };
}

const dc = (country: string): TlObject => ({ _: 'nearestDc', country, thisDc: 2, nearestDc: 2 });

/** Sends an answer to `call` as a crafted plaintext: every header field can be overridden. */
function craftedAnswer(h: Harness, call: Call, fields: Partial<PlaintextFields>, tamper?: { msgKey?: boolean; keyId?: boolean }): void {
  const connection = h.server.lastConnection;
  const plaintext = buildPlaintext({
    salt: h.server.salt,
    sessionId: connection.sessionId!,
    msgId: h.server.nextMsgId(true),
    seqNo: h.server.nextSeqNo(connection.sessionId!, true),
    body: call.resultBody(dc('FORGED')),
    ...fields,
  });
  connection.sendPlaintext(plaintext, tamper);
}

async function pendingCall(h: Harness, index = 0) {
  const result = h.session.invoke({ _: 'help.getNearestDc' });
  await waitFor(() => h.calls.length > index, 'the call at the server');
  return { result, call: h.calls[index] };
}

/** The call is still pending after the bad packet: a good answer now settles it. */
async function expectStillPending(h: Harness, result: Promise<{ country: string }>, call: Call): Promise<void> {
  await settle();
  let settled = false;
  void result.then(() => (settled = true), () => (settled = true));
  await settle();
  expect(settled).toBe(false);
  call.reply(dc('GOOD'));
  await expect(result).resolves.toMatchObject({ country: 'GOOD' });
}

/** The connection was dropped; the call went out again on a new one and its answer settles it. */
async function expectReconnectedAndResent(h: Harness, result: Promise<{ country: string }>, code: string): Promise<void> {
  await waitFor(() => h.calls.length === 2, 'the call re-sent on a new connection');
  expect(h.log.codes()).toContain(code);
  expect(h.server.connections.length).toBe(2);
  expect(h.calls[1].message.msgId).not.toBe(h.calls[0].message.msgId);
  h.calls[1].reply(dc('GOOD'));
  await expect(result).resolves.toMatchObject({ country: 'GOOD' });
}

describe('crypto-level checks drop the packet and the connection', () => {
  it('wrong msg_key', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, {}, { msgKey: true });
    await expectReconnectedAndResent(h, result, 'SECURITY_MSG_KEY');
    await h.session.close();
  });

  it('wrong auth_key_id', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, {}, { keyId: true });
    await expectReconnectedAndResent(h, result, 'SECURITY_AUTH_KEY_ID');
    await h.session.close();
  });

  it('padding too small', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    // The crafted rpc_result is 32 bytes: 32 + 32 = 64 is already a multiple of 16, with no padding.
    expect(call.resultBody(dc('FORGED'))).toHaveLength(32);
    craftedAnswer(h, call, { padding: 0 });
    await expectReconnectedAndResent(h, result, 'SECURITY_PADDING');
    await h.session.close();
  });

  it('padding too large', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, { padding: 1040 });
    await expectReconnectedAndResent(h, result, 'SECURITY_PADDING');
    await h.session.close();
  });

  it('message_data_length past the end', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, { lengthField: 4000 });
    await expectReconnectedAndResent(h, result, 'SECURITY_LENGTH');
    await h.session.close();
  });

  it('a truncated packet', async () => {
    const h = await setup();
    const { result } = await pendingCall(h);
    const packet = new Uint8Array(40);
    packet.set(new Uint8Array(8).fill(7));
    h.server.lastConnection.sendPacket(packet);
    await expectReconnectedAndResent(h, result, 'SECURITY_LENGTH');
    await h.session.close();
  });
});

describe('message-level checks drop the message', () => {
  it('another session id', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, { sessionId: 0x0badn });
    await expectStillPending(h, result, call);
    expect(h.log.codes()).toContain('SECURITY_SESSION_ID');
    expect(h.server.connections).toHaveLength(1);
    await h.session.close();
  });

  it('an even msg_id', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    craftedAnswer(h, call, { msgId: h.server.nextMsgId(true) - 1n });
    await expectStillPending(h, result, call);
    expect(h.log.codes()).toContain('SECURITY_MSG_ID_PARITY');
    await h.session.close();
  });

  it('a replayed msg_id', async () => {
    const h = await setup();
    const first = await pendingCall(h, 0);
    const msgId = h.server.nextMsgId(true);
    craftedAnswer(h, first.call, { msgId, body: first.call.resultBody(dc('FIRST')) });
    await expect(first.result).resolves.toMatchObject({ country: 'FIRST' });
    // A different answer under the same msg_id is a replay and must not settle the second call.
    const second = await pendingCall(h, 1);
    craftedAnswer(h, second.call, { msgId });
    await expectStillPending(h, second.result, second.call);
    expect(h.log.codes()).toContain('SECURITY_MSG_ID_REPLAY');
    await h.session.close();
  });

  it('a msg_id more than 300 s in the past or 30 s in the future', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    const now = Math.floor(Date.now() / 1000);
    craftedAnswer(h, call, { msgId: (BigInt(now - 400) << 32n) | 1n });
    craftedAnswer(h, call, { msgId: (BigInt(now + 90) << 32n) | 1n });
    await expectStillPending(h, result, call);
    expect(h.log.codes().filter((c) => c === 'SECURITY_MSG_ID_WINDOW')).toHaveLength(2);
    await h.session.close();
  });

  it('still processes bad_server_salt with a msg_id outside the window', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    const salts: bigint[] = [];
    h.session.on('authKey', (key) => salts.push(key.serverSalt));
    const now = Math.floor(Date.now() / 1000);
    h.server.salt = 0x77n;
    h.server.lastConnection.send([
      {
        body: serializeBadSalt(call.message.msgId, call.message.seqNo, 0x77n),
        contentRelated: false,
        msgId: (BigInt(now - 1000) << 32n) | 1n,
      },
    ]);
    await waitFor(() => h.calls.length === 2, 'the re-sent call');
    expect(salts).toEqual([0x77n]);
    expect(h.calls[1].message.salt).toBe(0x77n);
    h.calls[1].reply(dc('GOOD'));
    await expect(result).resolves.toMatchObject({ country: 'GOOD' });
    await h.session.close();
  });

  it('drops one bad message inside a container and processes the others', async () => {
    const h = await setup();
    const a = await pendingCall(h, 0);
    const b = await pendingCall(h, 1);
    const goodId = h.server.nextMsgId(true);
    h.server.lastConnection.send([
      { body: a.call.resultBody(dc('A')), msgId: goodId },
      { body: b.call.resultBody(dc('B')), msgId: goodId + 3n },
    ]);
    await expect(a.result).resolves.toMatchObject({ country: 'A' });
    await expectStillPending(h, b.result, b.call);
    expect(h.log.codes()).toContain('SECURITY_MSG_ID_PARITY');
    await h.session.close();
  });

  it('skips a message it cannot decode and carries on', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    h.server.lastConnection.send([new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4])]);
    await expectStillPending(h, result, call);
    expect(h.log.entries.some((e) => e.message.includes('could not process'))).toBe(true);
    await h.session.close();
  });

  it('ignores unencrypted packets once the key exists', async () => {
    const h = await setup();
    const { result, call } = await pendingCall(h);
    const plain = new Uint8Array(40);
    new DataView(plain.buffer).setBigInt64(8, h.server.nextMsgId(true), true);
    new DataView(plain.buffer).setInt32(16, 20, true);
    h.server.lastConnection.sendPacket(plain);
    await expectStillPending(h, result, call);
    expect(h.log.entries.some((e) => e.message.includes('unencrypted'))).toBe(true);
    await h.session.close();
  });
});

function serializeBadSalt(badMsgId: bigint, badMsgSeqno: number, newServerSalt: bigint): Uint8Array {
  const w = new TlWriter(64);
  w.uint32(0xedab447b);
  w.int64(badMsgId);
  w.int32(badMsgSeqno);
  w.int32(48);
  w.int64(newServerSalt);
  return w.toBytes();
}
