import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { RpcErrorResult } from './helpers/mini-client.js';
import { botTokenFor, openClient, ROUTES, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;

beforeAll(async () => {
  ({ dc, publicKey } = await startServer());
});
afterAll(async () => {
  await dc.close();
});

describe.each(ROUTES)('$name', (route) => {
  it('creates an auth key, answers help.getConfig, logs a bot in (USER_MIGRATE) and sends a message', async () => {
    dc.control.clearViolations();
    const token = botTokenFor(2, [1, 2, 3], ROUTES.indexOf(route));
    // DC 1 is not the bot's home: USER_MIGRATE_2.
    const first = await openClient(dc, 1, route);
    await first.createAuthKey({ publicKey, dc: 1 });
    const config = await first.invoke({ _: 'help.getConfig' }, { layer: true });
    expect(config._).toBe('config');
    expect(config.thisDc).toBe(1);
    expect(config.dcOptions.map((option: { id: number; port: number }) => [option.id, option.port])).toEqual(
      dc.dcs.map((endpoint) => [endpoint.id, endpoint.tcpPort]),
    );
    const migrate = await first
      .invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'hash', botAuthToken: token })
      .catch((error: unknown) => error);
    expect(migrate).toBeInstanceOf(RpcErrorResult);
    expect((migrate as RpcErrorResult).errorCode).toBe(303);
    expect((migrate as RpcErrorResult).errorMessage).toBe('USER_MIGRATE_2');
    first.close();

    const home = await openClient(dc, 2, route);
    await home.createAuthKey({ publicKey, dc: 2 });
    const auth = await home.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'hash', botAuthToken: token }, { layer: true });
    expect(auth._).toBe('auth.authorization');
    expect(auth.user.bot).toBe(true);
    expect(auth.user.self).toBe(true);

    const resolved = await home.invoke({ _: 'contacts.resolveUsername', username: 'alice' });
    const alice = resolved.users[0];
    const sent = await home.invoke({
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash },
      message: `hello over ${route.name}`,
      randomId: 12345n,
    });
    expect(sent._).toBe('updateShortSentMessage');
    expect(sent.out).toBe(true);
    const botId = Number(token.split(':')[0]);
    expect(dc.control.botMessages(botId).map((message) => message.text)).toEqual([`hello over ${route.name}`]);
    home.close();
    expect(dc.control.violations()).toEqual([]);
  });
});
