/** Clients on other API layers get objects of their layer, and their requests are understood. */
import { TL_LAYER, TlReader, TlWriter } from '@x/mtproto-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAYER_HISTORY } from '../src/layers/history.js';
import { readLayeredObject } from '../src/layers/layered-reader.js';
import { definitionFor, writeLayeredObject } from '../src/layers/layered-writer.js';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { botTokenFor, openClient, startServer } from './helpers/setup.js';

const idOf = (name: string, layer: number) => definitionFor(name, layer)!.id;
const write = (value: unknown, layer: number) => {
  const writer = new TlWriter(256);
  writeLayeredObject(writer, value, layer);
  return writer.toBytes();
};
const firstWord = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);

describe('layer history', () => {
  it('knows the constructors this server sends, with the current layer last', () => {
    expect(idOf('user', TL_LAYER)).toBe(0x31774388);
    expect(idOf('user', 198)).toBe(0x4b46c37e);
    expect(idOf('user', 190)).toBe(0x83314fca);
    expect(idOf('message', 227)).toBe(0x7600b9d3);
    // Below the oldest snapshot: the oldest definition.
    expect(idOf('user', 100)).toBe(parseInt(LAYER_HISTORY['user'][0].line.slice(5, 13), 16));
  });

  it('writes an object in the old form and reads it back into the object model', () => {
    const user = { _: 'user', self: true, bot: true, id: 5n, accessHash: 7n, firstName: 'Bot', username: 'b_bot', botInfoVersion: 1 };
    const bytes = write(user, 198);
    expect(firstWord(bytes)).toBe(0x4b46c37e);
    expect(readLayeredObject(new TlReader(bytes))).toMatchObject(user);
  });

  it('reads an old messages.sendMessage into the current model', () => {
    const request = {
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerSelf' },
      message: 'hi',
      randomId: 3n,
      silent: true,
    };
    const bytes = write(request, 179);
    expect(firstWord(bytes)).toBe(idOf('messages.sendMessage', 179));
    expect(firstWord(bytes)).not.toBe(idOf('messages.sendMessage', TL_LAYER));
    expect(readLayeredObject(new TlReader(bytes))).toMatchObject(request);
  });

  it('fills plain fields an old layer requires but the object lacks with zero values', () => {
    const bytes = write({ _: 'messages.messages', messages: [], topics: [], chats: [], users: [] }, 198);
    expect(firstWord(bytes)).toBe(idOf('messages.messages', 198));
    expect(readLayeredObject(new TlReader(bytes))).toEqual({ _: 'messages.messages', messages: [], chats: [], users: [] });
  });
});

describe('a layer-185 client against the server', () => {
  let dc: TestDc;
  let publicKey: PublicKey;
  beforeAll(async () => {
    ({ dc, publicKey } = await startServer());
  });
  afterAll(async () => {
    await dc.close();
  });

  it('logs in, gets layer-185 users and messages, and its layer-185 sendMessage is understood', async () => {
    const layer = 185;
    const token = botTokenFor(1, [1, 2, 3], 90);
    const c = await openClient(dc, 1, { kind: 'tcp', framing: 'intermediate', obfuscated: true });
    await c.createAuthKey({ publicKey });
    const raw = (value: unknown) => {
      const { msgId } = c.sendEncrypted(write(value, layer));
      return c.waitFor((message) => message.object._ === 'rpc_result' && message.object.reqMsgId === msgId);
    };
    // The mini client decodes with the current schema: look at the raw constructor through the inbox shape.
    const login = await raw({
      _: 'invokeWithLayer',
      layer,
      query: {
        _: 'initConnection', apiId: 1, deviceModel: 'old', systemVersion: 'old', appVersion: '1', systemLangCode: 'en', langPack: '', langCode: 'en',
        query: { _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token },
      },
    });
    expect(login.object.result._).toBe('auth.authorization');
    // user#83314fca (layer 185) decodes through the history, not as the current user#31774388.
    expect(login.object.result.user).toMatchObject({ bot: true, id: BigInt(token.split(':')[0]) });
    const alice = (await raw({ _: 'contacts.resolveUsername', username: 'alice' })).object.result.users[0];
    const sent = await raw({ _: 'messages.sendMessage', peer: { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash }, message: 'from 185', randomId: 1n });
    expect(sent.object.result._).toBe('updateShortSentMessage');
    expect(dc.control.botMessages(Number(token.split(':')[0])).map((message) => message.text)).toEqual(['from 185']);
    c.close();
  });
});
