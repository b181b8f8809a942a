// Perfect forward secrecy (spec §6.8): temporary keys from p_q_inner_data_temp_dc, bound with
// auth.bindTempAuthKey before any other call, replaced when the server forgets them.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/index.js';
import { createSession, settle, waitFor } from './helpers.js';
import { crypto, defaultAnswer, readLong, ScriptedServer, type Call } from './scripted-server.js';

const pfs = { expiresIn: 3600 };
const keyIdOf = (authKey: Uint8Array) => readLong(crypto.sha1(authKey), 12);

describe('temporary keys', () => {
  it('creates a permanent and a temporary key, binds, then runs calls on the temporary key', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { pfs });
    const emitted: bigint[] = [];
    session.on('authKey', (key) => emitted.push(key.authKeyId));
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    const perm = session.authKey!;
    expect(emitted).toEqual([perm.authKeyId]);
    expect(server.tempKeys.size).toBe(1);
    const [tempKeyId] = server.tempKeys.keys();
    expect(tempKeyId).not.toBe(perm.authKeyId);
    expect(server.tempKeys.get(tempKeyId)).toBe(3600);
    // The bind goes first, bare; the next call is wrapped in initConnection; all on the temp key.
    const calls = server.calls().filter((m) => m.object._ !== 'ping_delay_disconnect');
    expect(calls.map((c) => [c.object._, c.wrapped])).toEqual([
      ['auth.bindTempAuthKey', false],
      ['help.getNearestDc', true],
    ]);
    expect(keyIdOf(server.lastConnection.authKey!)).toBe(tempKeyId);
    expect(server.bindings).toHaveLength(1);
    expect(server.bindings[0]).toMatchObject({ tempAuthKeyId: tempKeyId, permAuthKeyId: perm.authKeyId });
    await session.close();
  });

  it('with a saved permanent key, makes only the temporary one', async () => {
    const server = new ScriptedServer();
    const saved = server.createKey();
    const { session } = createSession(server, { pfs, authKey: saved });
    await session.invoke({ _: 'help.getNearestDc' });
    expect(server.authKeys.size).toBe(2);
    expect(server.tempKeys.size).toBe(1);
    expect(server.bindings[0].permAuthKeyId).toBe(saved.authKeyId);
    expect(session.authKey!.authKeyId).toBe(saved.authKeyId);
    await session.close();
  });

  it('holds other calls back until the binding is answered', async () => {
    const server = new ScriptedServer();
    let bindCall: Call | undefined;
    server.onCall = (call) => {
      if (call.method._ === 'auth.bindTempAuthKey') bindCall = call;
      else defaultAnswer(call);
    };
    const { session } = createSession(server, { pfs, authKey: server.createKey() });
    const result = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => bindCall !== undefined, 'the bind call');
    await settle();
    expect(server.calls('help.getNearestDc')).toHaveLength(0);
    bindCall!.reply(true);
    await expect(result).resolves.toMatchObject({ _: 'nearestDc' });
    await session.close();
  });

  it('keeps a bound temporary key across reconnects', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { pfs, authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    const states: string[] = [];
    session.on('state', (state) => states.push(state));
    await session.invoke({ _: 'help.getNearestDc' });
    server.lastConnection.destroy();
    await waitFor(() => states.includes('reconnecting'), 'reconnecting');
    await session.invoke({ _: 'help.getNearestDc' });
    expect(server.connections).toHaveLength(2);
    expect(server.tempKeys.size).toBe(1);
    expect(server.bindings).toHaveLength(1);
    await session.close();
  });

  it('replaces a temporary key the server forgot (-404) without failing calls', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { pfs, authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await session.invoke({ _: 'help.getNearestDc' });
    const [first] = server.tempKeys.keys();
    server.authKeys.delete(first);
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    expect(server.tempKeys.size).toBe(2);
    expect(server.bindings).toHaveLength(2);
    expect(errors).toEqual([]);
    await session.close();
  });

  it('rebinds after AUTH_KEY_PERM_EMPTY and sends the call again', async () => {
    const server = new ScriptedServer();
    let refused = false;
    server.onCall = (call) => {
      if (call.method._ === 'help.getNearestDc' && !refused) {
        refused = true;
        call.error(401, 'AUTH_KEY_PERM_EMPTY');
      } else defaultAnswer(call);
    };
    const { session } = createSession(server, { pfs, authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    await expect(session.invoke({ _: 'help.getNearestDc' })).resolves.toMatchObject({ _: 'nearestDc' });
    expect(server.bindings).toHaveLength(2);
    await session.close();
  });

  it('fails clearly when the server refuses the binding', async () => {
    const server = new ScriptedServer();
    server.onCall = (call) => (call.method._ === 'auth.bindTempAuthKey' ? call.error(400, 'ENCRYPTED_MESSAGE_INVALID') : defaultAnswer(call));
    const { session } = createSession(server, { pfs, authKey: server.createKey() });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    const error = await session.invoke({ _: 'help.getNearestDc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('BIND_TEMP_AUTH_KEY_FAILED');
    expect((error as Error).message).toContain('ENCRYPTED_MESSAGE_INVALID');
    expect(errors).toEqual([error]);
    expect(session.state).toBe('closed');
  });
});
