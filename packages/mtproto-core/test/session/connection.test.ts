// Connection life: reconnect with backoff re-sending every unanswered call (none lost, none
// settled twice), keepalive and dead-connection detection, transport errors, reconnect: false.
import { describe, expect, it } from 'vitest';
import { TransportError, type TlObject } from '../../src/index.js';
import { createSession, settle, waitFor } from './helpers.js';
import { ScriptedServer, type Call } from './scripted-server.js';

const dc = (country: string): TlObject => ({ _: 'nearestDc', country, thisDc: 2, nearestDc: 2 });

function holdingServer() {
  const server = new ScriptedServer();
  const calls: Call[] = [];
  server.onCall = (call) => void calls.push(call);
  return { server, calls };
}

describe('reconnection', () => {
  it('re-sends every unanswered call on the new connection with new msg_ids; none is lost', async () => {
    const { server, calls } = holdingServer();
    const { session } = createSession(server, { authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    const states: string[] = [];
    session.on('state', (s) => states.push(s));
    await session.connect();
    const answered = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the first call');
    calls[0].reply(dc('ANSWERED'));
    await expect(answered).resolves.toMatchObject({ country: 'ANSWERED' });
    const pending = [1, 2, 3].map(() => session.invoke({ _: 'help.getNearestDc' }));
    await waitFor(() => calls.length === 4, 'three pending calls at the server');
    server.lastConnection.destroy();
    await waitFor(() => calls.length === 7, 'the three calls re-sent');
    const resent = calls.slice(4);
    expect(resent.every((c) => c.message.connection === 1)).toBe(true);
    const before = new Set(calls.slice(1, 4).map((c) => c.message.msgId));
    expect(resent.some((c) => before.has(c.message.msgId))).toBe(false);
    // Calls made while reconnecting also go out.
    resent.forEach((c, i) => c.reply(dc(`R${i}`)));
    expect((await Promise.all(pending)).map((r) => r.country)).toEqual(['R0', 'R1', 'R2']);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    // The answered call was not sent again.
    expect(server.calls('help.getNearestDc')).toHaveLength(7);
    await session.close();
  });

  it('settles a call once when answers to both its sends arrive', async () => {
    const { server, calls } = holdingServer();
    const { session } = createSession(server, { authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    const values: string[] = [];
    const pending = session.invoke({ _: 'help.getNearestDc' }).then((r) => values.push(r.country));
    await waitFor(() => calls.length === 1, 'the call');
    server.lastConnection.destroy();
    await waitFor(() => calls.length === 2, 'the call re-sent');
    calls[1].reply(dc('NEW'));
    // The first connection is gone: answer the first send's msg_id on the new one.
    calls[1].connection.send([calls[0].resultBody(dc('OLD'))]);
    await pending;
    await settle();
    expect(values).toEqual(['NEW']);
    await session.close();
  });

  it('calls made while reconnecting wait for the connection', async () => {
    const { server } = { server: new ScriptedServer() };
    const { session } = createSession(server, { authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    await session.connect();
    const states: string[] = [];
    session.on('state', (state) => states.push(state));
    server.refuseConnections = 3;
    server.lastConnection.destroy();
    await waitFor(() => states.includes('reconnecting'), 'reconnecting');
    const call = session.invoke({ _: 'help.getNearestDc' });
    const connected = session.connect();
    await expect(call).resolves.toMatchObject({ _: 'nearestDc' });
    await connected;
    expect(server.refuseConnections).toBe(0);
    await session.close();
  });

  it('with reconnect: false, fails unanswered calls and closes', async () => {
    const { server, calls } = holdingServer();
    const { session } = createSession(server, { authKey: server.createKey(), reconnect: false });
    const pending = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the call');
    server.lastConnection.destroy();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(session.state).toBe('closed');
  });
});

describe('keepalive', () => {
  it('sends ping_delay_disconnect with a disconnect delay longer than the ping interval', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server, { authKey: server.createKey(), pingIntervalMs: 10, pongTimeoutMs: 1000 });
    await session.connect();
    await waitFor(() => server.calls('ping_delay_disconnect').length >= 3, 'three pings');
    const ping = server.calls('ping_delay_disconnect')[0];
    expect(ping.seqNo % 2).toBe(0);
    expect((ping.object as unknown as { disconnectDelay: number }).disconnectDelay).toBeGreaterThan(1);
    expect(server.connections).toHaveLength(1);
    await session.close();
  });

  it('notices a dead connection and moves the pending call to a new one', async () => {
    const { server, calls } = holdingServer();
    const { session, log } = createSession(server, {
      authKey: server.createKey(),
      pingIntervalMs: 20,
      pongTimeoutMs: 40,
      reconnect: { maxDelayMs: 20 },
    });
    await session.connect();
    const pending = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the call');
    server.lastConnection.blackhole = true;
    await waitFor(() => calls.length === 2, 'the call on a new connection', 10_000);
    expect(calls[1].message.connection).toBe(1);
    expect(log.codes()).toContain('TRANSPORT_DEAD');
    calls[1].reply(dc('ALIVE'));
    await expect(pending).resolves.toMatchObject({ country: 'ALIVE' });
    await session.close();
  });
});

describe('transport errors with a key', () => {
  it("-404 (key unknown to the server): fails the calls with the transport error, emits 'error', closes", async () => {
    const server = new ScriptedServer();
    const key = server.createKey();
    server.authKeys.clear();
    const { session } = createSession(server, { authKey: key });
    const errors: unknown[] = [];
    session.on('error', (e) => errors.push(e));
    await session.connect();
    const error = await session.invoke({ _: 'help.getNearestDc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).transportCode).toBe(-404);
    expect(errors).toEqual([error]);
    expect(session.state).toBe('closed');
  });

  it('-429 (flood): drops the connection and reconnects', async () => {
    const { server, calls } = holdingServer();
    const { session } = createSession(server, { authKey: server.createKey(), reconnect: { maxDelayMs: 20 } });
    const pending = session.invoke({ _: 'help.getNearestDc' });
    await waitFor(() => calls.length === 1, 'the call');
    server.lastConnection.sendTransportError(-429);
    await waitFor(() => calls.length === 2, 'the call on a new connection');
    calls[1].reply(dc('OK'));
    await expect(pending).resolves.toMatchObject({ country: 'OK' });
    await session.close();
  });
});
