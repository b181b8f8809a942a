import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpControl, type HttpControl, type TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { botTokenFor, openClient, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;
let http: HttpControl;

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${http.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
};

beforeAll(async () => {
  ({ dc, publicKey } = await startServer({ dcIds: [1, 2] }));
  http = await startHttpControl(dc);
});
afterAll(async () => {
  await http.close();
  await dc.close();
});

describe('HTTP control', () => {
  it('lists DCs and connections, sets and clears faults, drops connections', async () => {
    expect((await call('GET', '/dcs')).body.dcs.map((endpoint: { id: number }) => endpoint.id)).toEqual([1, 2]);
    const c = await openClient(dc, 1, { kind: 'tcp', framing: 'intermediate', obfuscated: true, initDcId: 1 });
    await c.createAuthKey({ publicKey, dc: 1 });
    const connections = (await call('GET', '/connections?dc=1')).body;
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ dcId: 1, carrier: 'tcp', framing: 'intermediate', obfuscated: true, initDcId: 1 });
    expect(connections[0].authKeyId).toBeUndefined();

    expect((await call('POST', '/faults', { dc: 1, faults: { floodWait: { method: 'help.getNearestDc', seconds: 3 } } })).status).toBe(200);
    expect((await call('GET', '/faults?dc=1')).body).toEqual({ floodWait: { method: 'help.getNearestDc', seconds: 3 } });
    await expect(c.invoke({ _: 'help.getNearestDc' }, { layer: true })).rejects.toMatchObject({ errorMessage: 'FLOOD_WAIT_3' });
    expect((await call('DELETE', '/faults?dc=1')).status).toBe(200);
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    expect((await call('GET', '/connections?dc=1')).body[0].authKeyId).toBe(BigInt.asUintN(64, c.authKey!.id).toString(16).padStart(16, '0'));

    expect((await call('POST', '/salts/rotate', { dc: 1 })).status).toBe(200);
    expect((await c.invoke({ _: 'help.getNearestDc' })).thisDc).toBe(1);
    expect(c.inbox.some((message) => message.object._ === 'bad_server_salt')).toBe(true);

    expect((await call('POST', '/connections/drop', { dc: 1 })).body).toEqual({ dropped: 1 });
    await c.waitClosed();
  });

  it('makes a user write to a bot and reads what the bot sent', async () => {
    const token = botTokenFor(1, [1, 2], 3);
    const botId = Number(token.split(':')[0]);
    const bot = await openClient(dc, 1, { kind: 'tcp', framing: 'abridged', obfuscated: true });
    await bot.createAuthKey({ publicKey, dc: 1 });
    await bot.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token }, { layer: true });
    await bot.invoke({ _: 'updates.getState' });
    const sent = await call('POST', '/messages', { from: 'alice', to: botId, text: '/start' });
    expect(sent.status).toBe(200);
    await bot.waitFor((message) => message.object._ === 'updateShortMessage' && message.object.message === '/start');
    const alice = (await bot.invoke({ _: 'contacts.resolveUsername', username: 'alice' })).users[0];
    await bot.invoke({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash }, message: 'Hi Alice', randomId: 1n });
    const messages = (await call('GET', `/bots/${botId}/messages?peer=alice`)).body;
    expect(messages.map((message: { text: string }) => message.text)).toEqual(['Hi Alice']);
    expect((await call('GET', `/bots/bot${botId}_bot/messages`)).body).toHaveLength(1);
    expect((await call('POST', '/messages', { from: 'nobody', to: botId, text: 'x' })).status).toBe(400);
    expect((await call('GET', '/violations')).body).toEqual([]);
    expect((await call('GET', '/nowhere')).status).toBe(404);
    bot.close();
  });
});
