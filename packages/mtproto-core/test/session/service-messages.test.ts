// Service messages (spec §8, §8.1): salts, clock resync, seq_no resets, bad_msg codes, new
// sessions, detailed info, state requests, resend requests, future salts, destroy_session.
import { describe, expect, it } from 'vitest';
import { ProtocolError, type Tl, type TlObject } from '../../src/index.js';
import { createSession, settle, waitFor } from './helpers.js';
import { ScriptedServer, type Call } from './scripted-server.js';

const dc = (country: string): TlObject => ({ _: 'nearestDc', country, thisDc: 2, nearestDc: 2 });

function badMsg(call: Call, errorCode: number): void {
  call.connection.sendObject(
    { _: 'bad_msg_notification', badMsgId: call.message.msgId, badMsgSeqno: call.message.seqNo, errorCode },
    { contentRelated: false },
  );
}

describe('bad_server_salt', () => {
  it('stores the new salt, re-sends the calls of the whole container, and reports the salt', async () => {
    const server = new ScriptedServer();
    const key = { ...server.createKey(), serverSalt: 0x01dn };
    const { session } = createSession(server, { authKey: key });
    const salts: bigint[] = [];
    session.on('authKey', (k) => salts.push(k.serverSalt));
    await session.connect();
    const results = await Promise.all([session.invoke({ _: 'help.getNearestDc' }), session.invoke({ _: 'help.getNearestDc' })]);
    expect(results).toHaveLength(2);
    const calls = server.calls('help.getNearestDc');
    // First sent together with the stale salt (refused as a whole), then again with the new one.
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.salt === server.salt)).toBe(true);
    expect(salts).toContain(server.salt);
    expect(session.authKey!.serverSalt).toBe(server.salt);
    await session.close();
  });
});

describe('bad_msg_notification', () => {
  it('16 (msg_id too low): takes the server clock from the notification and re-sends', async () => {
    const server = new ScriptedServer({ clockSkew: 1000, announceSessions: false });
    const { session } = createSession(server, { authKey: server.createKey() });
    const offsets: number[] = [];
    session.on('authKey', (k) => offsets.push(k.timeOffset));
    await session.connect();
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    const [call] = server.calls('help.getNearestDc');
    expect(Math.abs(Number(call.msgId >> 32n) - server.now())).toBeLessThan(5);
    expect(offsets.some((o) => Math.abs(o - 1000) <= 2)).toBe(true);
    await session.close();
  });

  it('17 (msg_id too high): resyncs the clock and starts a new session', async () => {
    const server = new ScriptedServer({ clockSkew: -1000, announceSessions: false });
    const { session } = createSession(server, { authKey: server.createKey() });
    await session.connect();
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    const sessions = new Set(server.messages.map((m) => m.sessionId));
    expect(sessions.size).toBe(1);
    expect(server.sessions.size).toBe(2); // the refused first packet opened one
    expect(Math.abs(session.authKey!.timeOffset + 1000)).toBeLessThanOrEqual(2);
    await session.close();
  });

  it('32/33 (seq_no): starts a new session and re-sends', async () => {
    for (const code of [32, 33]) {
      const server = new ScriptedServer();
      let refused = false;
      server.onCall = (call) => {
        if (!refused) {
          refused = true;
          badMsg(call, code);
        } else call.reply(dc('OK'));
      };
      const { session } = createSession(server, { authKey: server.createKey() });
      await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ country: 'OK' });
      const [first, second] = server.calls('help.getNearestDc');
      expect(second.sessionId).not.toBe(first.sessionId);
      expect(second.seqNo).toBe(1);
      await session.close();
    }
  });

  it('20 (too old): re-sends the same call with a new msg_id', async () => {
    const server = new ScriptedServer();
    let refused = false;
    server.onCall = (call) => (refused ? call.reply(dc('OK')) : ((refused = true), badMsg(call, 20)));
    const { session } = createSession(server, { authKey: server.createKey() });
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ country: 'OK' });
    const [first, second] = server.calls('help.getNearestDc');
    expect(second.msgId).toBeGreaterThan(first.msgId);
    expect(second.sessionId).toBe(first.sessionId);
    await session.close();
  });

  it('other codes fail the call clearly', async () => {
    for (const code of [18, 19, 34, 35, 64]) {
      const server = new ScriptedServer();
      server.onCall = (call) => badMsg(call, code);
      const { session } = createSession(server, { authKey: server.createKey() });
      const error = await session.invoke({ _: 'help.getNearestDc' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).code).toBe(`BAD_MSG_${code}`);
      expect((error as Error).message).toContain(`bad_msg_notification ${code}`);
      await session.close();
    }
  });

  it('gives up on a call that keeps being refused', async () => {
    const server = new ScriptedServer();
    server.onCall = (call) => badMsg(call, 20);
    const { session } = createSession(server, { authKey: server.createKey() });
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toMatchObject({ code: 'RESEND_LIMIT' });
    expect(server.calls('help.getNearestDc')).toHaveLength(10);
    await session.close();
  });
});

describe('other service messages', () => {
  it("new_session_created: adopts the salt and emits 'newSession'", async () => {
    const server = new ScriptedServer({ checkSalt: false });
    const { session } = createSession(server, { authKey: { ...server.createKey(), serverSalt: 5n } });
    let newSessions = 0;
    session.on('newSession', () => newSessions++);
    await session.invoke({ _: 'help.getNearestDc' });
    expect(newSessions).toBe(1);
    expect(session.authKey!.serverSalt).toBe(server.salt);
    await session.close();
  });

  it('msg_detailed_info: asks for an answer it never got, acks one it has', async () => {
    const server = new ScriptedServer();
    const calls: Call[] = [];
    server.onCall = (call) => void calls.push(call);
    const { session } = createSession(server, { authKey: server.createKey(), ackDelayMs: 5 });
    const pending = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the call');
    const connection = server.lastConnection;
    const missing = server.nextMsgId(true);
    connection.sendObject(
      { _: 'msg_detailed_info', msgId: calls[0].message.msgId, answerMsgId: missing, bytes: 40, status: 0 },
      { contentRelated: false },
    );
    await waitFor(() => server.messages.some((m) => m.object._ === 'msg_resend_req'), 'msg_resend_req');
    const resend = server.messages.find((m) => m.object._ === 'msg_resend_req')!.object as Tl<'msg_resend_req'>;
    expect(resend.msgIds).toEqual([missing]);
    const answerId = connection.send([calls[0].resultBody(dc('OK'))]);
    await pending;
    connection.sendObject({ _: 'msg_new_detailed_info', answerMsgId: answerId, bytes: 40, status: 0 }, { contentRelated: false });
    await waitFor(() => server.acked().filter((id) => id === answerId).length >= 2, 'the second ack of the known answer');
    await session.close();
  });

  it('msgs_state_req: answers msgs_state_info about the ids it asked for', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { authKey: server.createKey(), ackDelayMs: 5 });
    await session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => server.acked().length > 0, 'the acks');
    const received = server.acked()[0];
    const future = server.nextMsgId(true) + (1000n << 32n);
    const requestId = server.lastConnection.sendObject({ _: 'msgs_state_req', msgIds: [received, future] } as TlObject, {
      contentRelated: false,
    });
    await waitFor(() => server.messages.some((m) => m.object._ === 'msgs_state_info'), 'msgs_state_info');
    const info = server.messages.find((m) => m.object._ === 'msgs_state_info')!.object as Tl<'msgs_state_info'>;
    expect(info.reqMsgId).toBe(requestId);
    expect([...info.info]).toEqual([4 | 8, 3]);
    await session.close();
  });

  it('msg_resend_req: sends the named call again', async () => {
    const server = new ScriptedServer();
    const calls: Call[] = [];
    server.onCall = (call) => void calls.push(call);
    const { session } = createSession(server, { authKey: server.createKey() });
    const pending = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the call');
    server.lastConnection.sendObject({ _: 'msg_resend_req', msgIds: [calls[0].message.msgId] }, { contentRelated: false });
    await waitFor(() => calls.length === 2, 'the call sent again');
    calls[1].reply(dc('OK'));
    await expect(pending).resolves.toMatchObject({ country: 'OK' });
    // The first send's late answer is ignored: the call settled once.
    calls[0].reply(dc('LATE'));
    await settle();
    await session.close();
  });

  it('get_future_salts: returns future_salts and adopts the salt valid now', async () => {
    const server = new ScriptedServer({ checkSalt: false });
    const { session } = createSession(server, { authKey: server.createKey() });
    const salts = await session.invoke({ _: 'get_future_salts', num: 1 });
    expect(salts).toMatchObject({ _: 'future_salts', salts: [{ salt: 0x5a5a5a5an }] });
    expect(session.authKey!.serverSalt).toBe(0x5a5a5a5an);
    await session.close();
  });

  it('destroy_session: resolves with the server answer for that session id', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { authKey: server.createKey() });
    await expect(session.invoke({ _: 'destroy_session', sessionId: 1234n })).resolves.toEqual({
      _: 'destroy_session_ok',
      sessionId: 1234n,
    });
    await session.close();
  });
});
