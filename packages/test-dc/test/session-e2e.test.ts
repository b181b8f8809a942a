/**
 * The core's client session engine (MtprotoSession) against the test DC over the real TCP
 * transport and a minimal WebSocket one (@x/transport-ws runs the same against us in its own tests): key exchange, getConfig, bot login, sending, pushed updates — with strict
 * mode on — and what the engine does when faults fire.
 */
import {
  defaultCryptoProvider,
  MtprotoSession,
  parseRsaPublicKeyPem,
  type FramingKind,
  type TransportFactory,
  type TransportTarget,
  type TlType,
} from '@x/mtproto-core';
import { tcpTransport } from '@x/transport-tcp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_ID, type TestDc } from '../src/index.js';
import { botTokenFor, startServer } from './helpers/setup.js';
import { testWebSocketTransport } from './helpers/ws-transport.js';

let dc: TestDc;
const sessions: MtprotoSession[] = [];

beforeAll(async () => {
  ({ dc } = await startServer());
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  dc.control.clearFaults();
});
afterAll(async () => {
  await dc.close();
});

type Way = { name: string; kind: 'tcp' | 'ws' | 'wss'; framing: FramingKind; obfuscated?: boolean };
const WAYS: Way[] = [
  { name: 'tcp abridged', kind: 'tcp', framing: 'abridged', obfuscated: false },
  { name: 'tcp intermediate', kind: 'tcp', framing: 'intermediate', obfuscated: false },
  { name: 'tcp padded', kind: 'tcp', framing: 'padded', obfuscated: false },
  { name: 'tcp full', kind: 'tcp', framing: 'full', obfuscated: false },
  { name: 'tcp obfuscated abridged', kind: 'tcp', framing: 'abridged', obfuscated: true },
  { name: 'tcp obfuscated intermediate', kind: 'tcp', framing: 'intermediate', obfuscated: true },
  { name: 'tcp obfuscated padded', kind: 'tcp', framing: 'padded', obfuscated: true },
  { name: 'ws', kind: 'ws', framing: 'intermediate' },
  { name: 'ws padded', kind: 'ws', framing: 'padded' },
  { name: 'wss abridged', kind: 'wss', framing: 'abridged' },
];

function transportFor(way: Way, dcId: number): { transport: TransportFactory; target: TransportTarget } {
  const endpoint = dc.dcs.find((item) => item.id === dcId)!;
  const base = { dcId, test: false, media: false };
  if (way.kind === 'tcp') {
    return { transport: tcpTransport({ framing: way.framing, obfuscated: way.obfuscated ?? true }), target: { ...base, host: endpoint.host, port: endpoint.tcpPort } };
  }
  const framing = way.framing === 'full' ? 'intermediate' : way.framing;
  if (way.kind === 'ws') return { transport: testWebSocketTransport({ framing }), target: { ...base, url: endpoint.wsUrl } };
  return { transport: testWebSocketTransport({ framing, ...(dc.tlsCaPem !== undefined ? { ca: dc.tlsCaPem } : {}) }), target: { ...base, url: endpoint.wssUrl } };
}

function newSession(way: Way, dcId: number, extra: Partial<ConstructorParameters<typeof MtprotoSession>[0]> = {}): MtprotoSession {
  const session = new MtprotoSession({
    ...transportFor(way, dcId),
    crypto: defaultCryptoProvider,
    rsaKeys: [parseRsaPublicKeyPem(dc.rsaPublicKeyPem)],
    initConnection: { apiId: 1, deviceModel: 'test-dc e2e', systemVersion: 'node', appVersion: '1.0', systemLangCode: 'en', langPack: '', langCode: 'en' },
    reconnect: { maxDelayMs: 200 },
    ...extra,
  });
  sessions.push(session);
  return session;
}

async function loggedInBot(way: Way, seed: number): Promise<{ session: MtprotoSession; botId: number }> {
  const token = botTokenFor(2, [1, 2, 3], 50 + seed);
  const session = newSession(way, 2);
  await session.connect();
  await session.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token });
  return { session, botId: Number(token.split(':')[0]) };
}

describe.each(WAYS)('MtprotoSession over $name', (way) => {
  it('exchanges a key, gets the config, follows USER_MIGRATE, sends and receives updates', async () => {
    dc.control.clearViolations();
    const token = botTokenFor(2, [1, 2, 3], 40 + WAYS.indexOf(way));
    const botId = Number(token.split(':')[0]);
    const first = newSession(way, 1);
    await first.connect();
    const config = await first.invoke({ _: 'help.getConfig' });
    expect(config.thisDc).toBe(1);
    await expect(first.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token })).rejects.toMatchObject({
      errorCode: 303,
      errorMessage: 'USER_MIGRATE_2',
    });

    const home = newSession(way, 2);
    const updates: TlType<'Updates'>[] = [];
    home.on('updates', (update) => void updates.push(update));
    await home.connect();
    const auth = await home.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token });
    expect(auth._).toBe('auth.authorization');
    await home.invoke({ _: 'updates.getState' });
    dc.control.sendAsUser({ from: 'alice', to: botId, text: `ping via ${way.name}` });
    await expect.poll(() => updates.some((update) => update._ === 'updateShortMessage' && update.message === `ping via ${way.name}`)).toBe(true);

    const resolved = await home.invoke({ _: 'contacts.resolveUsername', username: 'alice' });
    const alice = resolved.users[0] as { id: bigint; accessHash: bigint };
    expect(alice.id).toBe(BigInt(ALICE_ID));
    const sent = await home.invoke({
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash },
      message: `pong via ${way.name}`,
      randomId: 99n,
    });
    expect(sent._).toBe('updateShortSentMessage');
    expect(dc.control.botMessages(botId, { peer: '@alice' }).map((message) => message.text)).toEqual([`pong via ${way.name}`]);
    expect(dc.control.violations()).toEqual([]);
  });
});

describe('MtprotoSession under faults', () => {
  const way: Way = { name: 'tcp', kind: 'tcp', framing: 'intermediate', obfuscated: true };

  it('a forced salt rotation is invisible to the caller (bad_server_salt, resend)', async () => {
    const { session } = await loggedInBot(way, 1);
    dc.control.rotateSalts(2);
    expect((await session.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(2);
  });

  it('FLOOD_WAIT_X reaches the caller as an RpcError with waitSeconds', async () => {
    const { session } = await loggedInBot(way, 2);
    dc.control.setFaults({ floodWait: { method: 'help.getNearestDc', seconds: 30, count: 1 } }, { dcId: 2 });
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toMatchObject({ errorCode: 420, waitSeconds: 30 });
    expect((await session.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(2);
  });

  it('a dropped connection is re-established and the call goes through', async () => {
    const { session } = await loggedInBot(way, 3);
    const states: string[] = [];
    session.on('state', (state) => void states.push(state));
    dc.control.dropConnections({ dcId: 2 });
    expect((await session.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(2);
    expect(states).toContain('reconnecting');
  });

  it('a server clock 10 minutes ahead is corrected from bad_msg_notification', async () => {
    const { session } = await loggedInBot(way, 4);
    dc.control.setFaults({ clockSkewSeconds: 600 }, { dcId: 2 });
    expect((await session.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(2);
    expect(Math.abs((session.authKey?.timeOffset ?? 0) - 600)).toBeLessThan(5);
  });

  it('a corrupted frame is dropped by the client, which recovers', async () => {
    const { session } = await loggedInBot(way, 5);
    dc.control.setFaults({ corruptFrames: 1 }, { dcId: 2 });
    expect((await session.invoke({ _: 'help.getNearestDc' }, { timeoutMs: 15_000 })).thisDc).toBe(2);
  });

  it('a wrong msg_key from the server is dropped by the client, which gets its answer on resend', async () => {
    const { session } = await loggedInBot(way, 7);
    dc.control.setFaults({ wrongMsgKey: 1 }, { dcId: 2 });
    expect((await session.invoke({ _: 'help.getNearestDc' }, { timeoutMs: 15_000 })).thisDc).toBe(2);
  });

  it('a stall delays the answer without failing the call', async () => {
    const { session } = await loggedInBot(way, 8);
    dc.control.setFaults({ stallMs: 500 }, { dcId: 2 });
    expect((await session.invoke({ _: 'help.getNearestDc' }, { timeoutMs: 15_000 })).thisDc).toBe(2);
  });

  it('a -404 on the connection reaches the caller as TransportError and ends the session', async () => {
    const { session } = await loggedInBot(way, 6);
    const errors: string[] = [];
    session.on('error', (error) => void errors.push(error.code));
    const [connection] = dc.control.connections(2).filter((info) => info.authKeyId !== undefined);
    dc.control.setFaults({ transportError: -404 }, { connectionId: connection.id });
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toMatchObject({ code: 'TRANSPORT_404', transportCode: -404 });
    expect(errors).toContain('TRANSPORT_404');
    // The engine treats -404 on an existing key as fatal: the owner (the client) starts over.
    await expect(session.invoke({ _: 'help.getNearestDc' })).rejects.toMatchObject({ code: 'SESSION_CLOSED' });
  });
});
