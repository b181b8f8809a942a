// The request pipeline: initConnection wrapping, containers, gzip both ways, lazy batched acks,
// rpc_error, typed results, updates, deadlines and abort.
import { describe, expect, it } from 'vitest';
import { FloodWaitError, RpcError, TimeoutError, TL_LAYER, type Tl, type TlObject } from '../../src/index.js';
import { createSession, initConnection, settle, waitFor } from './helpers.js';
import { ScriptedServer, serializeResult, type Call } from './scripted-server.js';

async function connected(server = new ScriptedServer(), options: Parameters<typeof createSession>[1] = {}) {
  const { session, log } = createSession(server, { authKey: server.createKey(), ...options });
  await session.connect();
  return { server, session, log };
}

const longText = 'All work and no play makes Jack a dull boy. '.repeat(60);

describe('invokeWithLayer(initConnection(...)) wrapping (spec §9.1)', () => {
  it('wraps calls until one wrapped call is answered, then sends them bare', async () => {
    const { server, session } = await connected();
    await Promise.all([session.invoke({ _: 'help.getNearestDc' }), session.invoke({ _: 'help.getNearestDc' })]);
    await session.invoke({ _: 'help.getNearestDc' });
    const calls = server.calls('help.getNearestDc');
    expect(calls.map((c) => c.wrapped)).toEqual([true, true, false]);
    expect(calls[0].layer).toBe(TL_LAYER);
    expect(TL_LAYER).toBe(223);
    expect(calls[0].init).toEqual({ _: 'initConnection', ...initConnection });
    await session.close();
  });

  it('keeps wrapping while the wrapped calls fail with rpc_error', async () => {
    const server = new ScriptedServer();
    let failures = 1;
    server.onCall = (call) => (failures-- > 0 ? call.error(400, 'SOMETHING_WRONG') : call.reply({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 }));
    const { session } = await connected(server);
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toBeInstanceOf(RpcError);
    await session.invoke({ _: 'help.getNearestDc' });
    await session.invoke({ _: 'help.getNearestDc' });
    expect(server.calls('help.getNearestDc').map((c) => c.wrapped)).toEqual([true, true, false]);
    await session.close();
  });

  it('never wraps MTProto service methods', async () => {
    const { server, session } = await connected();
    const pong = await session.invoke({ _: 'ping', pingId: 42n });
    expect(pong).toMatchObject({ _: 'pong', pingId: 42n });
    expect(server.calls('ping')[0].wrapped).toBe(false);
    await session.close();
  });
});

describe('containers (spec §8.2)', () => {
  it('batches calls made together into one msg_container and resolves each from a container answer', async () => {
    const server = new ScriptedServer();
    const pending: Call[] = [];
    server.onCall = (call) => {
      pending.push(call);
      if (pending.length === 3) {
        const bodies = pending.map((c, i) => c.resultBody({ _: 'nearestDc', country: `C${i}`, thisDc: i, nearestDc: i }));
        call.connection.send(bodies.reverse());
      }
    };
    const { session } = await connected(server);
    const results = await Promise.all([0, 1, 2].map(() => session.invoke({ _: 'help.getNearestDc' })));
    expect(results.map((r) => r.country)).toEqual(['C0', 'C1', 'C2']);
    const calls = server.calls('help.getNearestDc');
    expect(calls.every((c) => c.inContainer && c.packetMsgId === calls[0].packetMsgId)).toBe(true);
    // Strictly increasing ids below the container's; odd (content-related) seq_nos.
    expect(calls.map((c) => c.msgId)).toEqual([...calls.map((c) => c.msgId)].sort((a, b) => (a < b ? -1 : 1)));
    expect(calls.every((c) => c.msgId < c.packetMsgId && c.msgId % 4n === 0n)).toBe(true);
    expect(calls.map((c) => c.seqNo % 2)).toEqual([1, 1, 1]);
    expect(new Set(calls.map((c) => c.seqNo)).size).toBe(3);
    await session.close();
  });

  it('splits a burst of calls over several packets within the container limits', async () => {
    const { server, session } = await connected();
    const results = await Promise.all(Array.from({ length: 1500 }, () => session.invoke({ _: 'help.getNearestDc' })));
    expect(results).toHaveLength(1500);
    const packets = new Map<bigint, number>();
    for (const call of server.calls('help.getNearestDc')) packets.set(call.packetMsgId, (packets.get(call.packetMsgId) ?? 0) + 1);
    expect(packets.size).toBeGreaterThanOrEqual(2);
    expect(Math.max(...packets.values())).toBeLessThanOrEqual(1000);
    await session.close();
  });
});

describe('gzip_packed', () => {
  it('unpacks gzipped results and gzipped rpc_errors', async () => {
    const server = new ScriptedServer();
    server.onCall = (call) => {
      if (call.method._ === 'help.getNearestDc') call.reply({ _: 'nearestDc', country: longText, thisDc: 1, nearestDc: 1 }, { gzip: true });
      else call.reply(serializeResult({ _: 'rpc_error', errorCode: 400, errorMessage: 'PEER_ID_INVALID' } as TlObject), { gzip: true });
    };
    const { session } = await connected(server);
    const result = await session.invoke({ _: 'help.getNearestDc' });
    expect(result.country).toBe(longText);
    await expect(session.invoke({ _: 'messages.receivedQueue', maxQts: 1 })).rejects.toMatchObject({ errorCode: 400, errorMessage: 'PEER_ID_INVALID' });
    await session.close();
  });

  it('gzips large compressible requests, but not small ones and not file parts', async () => {
    const { server, session } = await connected();
    const noUpdates = { _: 'updates', updates: [], users: [], chats: [], date: 1, seq: 0 } as unknown as TlObject;
    server.onCall = (call) => {
      if (call.method._ === 'messages.sendMessage') call.reply(noUpdates);
      else if (call.method._ === 'messages.receivedQueue') call.reply([]);
      else call.reply(true);
    };
    const sendMessage = {
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerSelf' },
      message: longText,
      randomId: 99n,
    } as Tl<'messages.sendMessage'>;
    await session.invoke(sendMessage as never);
    await session.invoke({ _: 'messages.receivedQueue', maxQts: 7 } as never);
    await session.invoke({ _: 'upload.saveFilePart', fileId: 1n, filePart: 0, bytes: new Uint8Array(64 * 1024) } as never);
    const [big, small, part] = server.calls().filter((c) => c.object._ !== 'ping_delay_disconnect');
    expect(big.gzipped).toBe(true);
    expect(big.object.message).toBe(longText);
    expect(small.gzipped).toBe(false);
    expect(part.gzipped).toBe(false);
    expect(part.object.bytes).toHaveLength(64 * 1024);
    await session.close();
  });
});

describe('acknowledgements', () => {
  it('acks content-related server messages lazily, in one msgs_ack', async () => {
    const { server, session } = await connected(new ScriptedServer(), { ackDelayMs: 300 });
    await session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => server.acked().length > 0, 'the ack of the first answer');
    const acksBefore = server.messages.filter((m) => m.object._ === 'msgs_ack').length;
    // Three pushes in three packets, nothing else to send: one lone msgs_ack after the delay.
    const pushed = [1, 2, 3].map((i) =>
      server.lastConnection.sendObject({ _: 'updateShort', update: { _: 'updateLoginToken' }, date: i } as TlObject),
    );
    await waitFor(() => pushed.every((id) => server.acked().includes(id)), 'the acks');
    const acks = server.messages.filter((m) => m.object._ === 'msgs_ack');
    expect(acks).toHaveLength(acksBefore + 1);
    expect((acks[acks.length - 1].object as Tl<'msgs_ack'>).msgIds).toEqual(pushed);
    expect(acks[acks.length - 1].seqNo % 2).toBe(0);
    await session.close();
  });

  it('processes a repeated message once but acks it again', async () => {
    const { server, session } = await connected(new ScriptedServer(), { ackDelayMs: 5 });
    const seen: unknown[] = [];
    session.on('updates', (updates) => seen.push(updates));
    await session.invoke({ _: 'help.getNearestDc' });
    const msgId = server.nextMsgId(false);
    const update = { _: 'updateShort', update: { _: 'updateLoginToken' }, date: 1 } as TlObject;
    server.lastConnection.sendObject(update, { msgId });
    await waitFor(() => server.acked().includes(msgId), 'the first ack');
    server.lastConnection.sendObject(update, { msgId });
    await waitFor(() => server.acked().filter((id) => id === msgId).length === 2, 'the second ack');
    expect(seen).toHaveLength(1);
    await session.close();
  });

  it('piggybacks pending acks on the next request', async () => {
    const { server, session } = await connected(new ScriptedServer(), { ackDelayMs: 60_000 });
    await session.invoke({ _: 'help.getNearestDc' });
    await session.invoke({ _: 'help.getNearestDc' });
    const [, second] = server.calls('help.getNearestDc');
    const ack = server.messages.find((m) => m.object._ === 'msgs_ack');
    expect(ack?.packetMsgId).toBe(second.packetMsgId);
    await session.close();
  });

  it('flushes acks on close', async () => {
    const { server, session } = await connected(new ScriptedServer(), { ackDelayMs: 60_000 });
    await session.invoke({ _: 'help.getNearestDc' });
    await session.close();
    await waitFor(() => server.acked().length > 0, 'the ack sent by close()');
  });
});

describe('results and errors', () => {
  it('turns rpc_error into RpcError, and *_WAIT_X into FloodWaitError', async () => {
    const server = new ScriptedServer();
    const errors = [
      [420, 'FLOOD_WAIT_7'],
      [303, 'USER_MIGRATE_4'],
    ] as const;
    let index = 0;
    server.onCall = (call) => {
      const [code, text] = errors[index++];
      call.error(code, text);
    };
    const { session } = await connected(server);
    const flood = await session.invoke({ _: 'help.getNearestDc' }).catch((e: unknown) => e);
    expect(flood).toBeInstanceOf(FloodWaitError);
    expect(flood).toMatchObject({ errorCode: 420, waitSeconds: 7, method: 'help.getNearestDc' });
    const migrate = await session.invoke({ _: 'help.getNearestDc' }).catch((e: unknown) => e);
    expect(migrate).toBeInstanceOf(RpcError);
    expect((migrate as RpcError).migrateDc).toBe(4);
    await session.close();
  });

  it('decodes results by the method declared type (Vector<long>)', async () => {
    const { session } = await connected();
    expect(await session.invoke({ _: 'messages.receivedQueue', maxQts: 1 })).toEqual([1n, 2n, 3n]);
    await session.close();
  });

  it('rejects only the affected call when its result does not decode', async () => {
    const server = new ScriptedServer();
    server.onCall = (call) => (call.method._ === 'messages.receivedQueue' ? call.reply(new Uint8Array([1, 2, 3, 4])) : call.reply({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 }));
    const { session } = await connected(server);
    await expect(session.invoke({ _: 'messages.receivedQueue', maxQts: 1 })).rejects.toMatchObject({ code: 'TL_DECODE' });
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ country: 'NL' });
    await session.close();
  });

  it("emits pushed Updates as 'updates' and acks them", async () => {
    const { server, session } = await connected(new ScriptedServer(), { ackDelayMs: 10 });
    const seen: unknown[] = [];
    session.on('updates', (updates) => seen.push(updates));
    await session.invoke({ _: 'help.getNearestDc' });
    const pushed = { _: 'updateShort', update: { _: 'updateLoginToken' }, date: 1_700_000_000 } as TlObject;
    const msgId = server.lastConnection.sendObject(pushed);
    await waitFor(() => seen.length === 1, 'the update');
    expect(seen[0]).toEqual(pushed);
    await waitFor(() => server.acked().includes(msgId), 'the ack of the update');
    await session.close();
  });
});

describe('deadlines and cancellation', () => {
  it('fails a call with TimeoutError and ignores its late answer', async () => {
    const server = new ScriptedServer();
    const late: Call[] = [];
    server.onCall = (call) => void late.push(call);
    const { session, log } = await connected(server);
    await expect(session.invoke({ _: 'help.getNearestDc' }, { timeoutMs: 30 })).rejects.toBeInstanceOf(TimeoutError);
    late[0].reply({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 });
    await settle();
    expect(log.entries.some((e) => e.message.includes('nobody waits'))).toBe(true);
    server.onCall = (call) => call.reply({ _: 'nearestDc', country: 'BE', thisDc: 2, nearestDc: 2 });
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ country: 'BE' });
    await session.close();
  });

  it('uses requestTimeoutMs as the default deadline', async () => {
    const server = new ScriptedServer();
    server.onCall = () => {};
    const { session } = await connected(server, { requestTimeoutMs: 20 });
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toBeInstanceOf(TimeoutError);
    await session.close();
  });

  it('rejects with AbortError when the signal fires, before or after sending', async () => {
    const server = new ScriptedServer();
    server.onCall = () => {};
    const { session } = await connected(server);
    const aborted = AbortSignal.abort('stop');
    await expect(session.invoke({ _: 'help.getNearestDc' }, { signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    await settle();
    expect(server.calls('help.getNearestDc')).toHaveLength(0);
    const controller = new AbortController();
    const call = session.invoke({ _: 'help.getNearestDc' }, { signal: controller.signal });
    await waitFor(() => server.calls('help.getNearestDc').length === 1, 'the call on the wire');
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
    await session.close();
  });

  it('connects on the first invoke when connect() was not called', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server);
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    expect(session.state).toBe('connected');
    await session.close();
  });

  it('close() fails unanswered calls and refuses new ones', async () => {
    const server = new ScriptedServer();
    server.onCall = () => {};
    const { session } = await connected(server);
    const states: string[] = [];
    session.on('state', (s) => states.push(s));
    const call = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => server.calls('help.getNearestDc').length === 1, 'the call on the wire');
    await session.close();
    await expect(call).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    await expect(session.connect()).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
    expect(states).toEqual(['closed']);
  });
});
