/** The in-memory world through the API: pushes, catch-up, peers, cross-DC authorization, files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_ID, BOB_ID, CHANNEL_ID, GROUP_ID, type TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { RpcErrorResult, type MiniClient } from './helpers/mini-client.js';
import { botTokenFor, openClient, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;
let bot: MiniClient;
let botId: number;
const token = botTokenFor(2, [1, 2, 3], 11);

async function login(dcId: number, botToken: string): Promise<MiniClient> {
  const c = await openClient(dc, dcId, { kind: 'tcp', framing: 'intermediate', obfuscated: true });
  await c.createAuthKey({ publicKey, dc: dcId });
  await c.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: botToken }, { layer: true });
  return c;
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as RpcErrorResult);

beforeAll(async () => {
  ({ dc, publicKey } = await startServer());
  bot = await login(2, token);
  botId = Number(token.split(':')[0]);
});
afterAll(async () => {
  bot.close();
  expect(dc.control.violations()).toEqual([]);
  await dc.close();
});

describe('updates', () => {
  it('pushes updateShortMessage when a user writes to the bot, and getDifference has it too', async () => {
    const state = await bot.invoke({ _: 'updates.getState' });
    dc.control.sendAsUser({ from: 'alice', to: botId, text: 'hello bot' });
    const push = await bot.waitFor((message) => message.object._ === 'updateShortMessage' && message.object.message === 'hello bot');
    expect(push.msgId & 3n).toBe(3n);
    expect(push.seqNo & 1).toBe(1);
    expect(push.object).toMatchObject({ userId: BigInt(ALICE_ID), pts: state.pts + 1, ptsCount: 1 });
    const difference = await bot.invoke({ _: 'updates.getDifference', flags: 0, pts: state.pts, date: state.date, qts: 0 });
    expect(difference._).toBe('updates.difference');
    expect(difference.newMessages.map((message: { message: string }) => message.message)).toEqual(['hello bot']);
    expect(difference.users.map((user: { id: bigint }) => user.id)).toContain(BigInt(ALICE_ID));
    expect(difference.state.pts).toBe(state.pts + 1);
    const empty = await bot.invoke({ _: 'updates.getDifference', flags: 0, pts: difference.state.pts, date: state.date, qts: 0 });
    expect(empty._).toBe('updates.differenceEmpty');
  });

  it('pushes updateShortChatMessage for the group and updates/updateNewChannelMessage for the channel', async () => {
    dc.control.sendAsUser({ from: 'bob', to: 'group', text: 'group hi' });
    const group = await bot.waitFor((message) => message.object._ === 'updateShortChatMessage');
    expect(group.object).toMatchObject({ fromId: BigInt(BOB_ID), chatId: BigInt(GROUP_ID), message: 'group hi' });
    dc.control.sendAsUser({ from: 'alice', to: 'channel', text: 'channel post' });
    const channel = await bot.waitFor((message) => message.object._ === 'updates' && message.object.updates[0]._ === 'updateNewChannelMessage');
    expect(channel.object.updates[0].message).toMatchObject({ message: 'channel post', post: true, peerId: { _: 'peerChannel', channelId: BigInt(CHANNEL_ID) } });
    expect(channel.object.chats[0]).toMatchObject({ _: 'channel', id: BigInt(CHANNEL_ID) });
  });

  it('reports what the bot sent, de-duplicates random_id, and answers getMessages', async () => {
    const alice = (await bot.invoke({ _: 'contacts.resolveUsername', username: 'alice' })).users[0];
    const peer = { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash };
    const first = await bot.invoke({ _: 'messages.sendMessage', peer, message: 'once', randomId: 777n });
    const again = await bot.invoke({ _: 'messages.sendMessage', peer, message: 'once', randomId: 777n });
    expect(again.id).toBe(first.id);
    expect(dc.control.botMessages(botId, { peer: '@alice' }).filter((message) => message.text === 'once')).toHaveLength(1);
    const fetched = await bot.invoke({ _: 'messages.getMessages', id: [{ _: 'inputMessageID', id: first.id }, { _: 'inputMessageID', id: 99999 }] });
    expect(fetched.messages.map((message: { _: string }) => message._)).toEqual(['message', 'messageEmpty']);
    expect(fetched.messages[0]).toMatchObject({ out: true, message: 'once', peerId: { _: 'peerUser', userId: alice.id } });
    const wrongHash = await failure(bot.invoke({ _: 'messages.sendMessage', peer: { ...peer, accessHash: 5n }, message: 'x', randomId: 1n }));
    expect(wrongHash?.errorMessage).toBe('PEER_ID_INVALID');
  });

  it('waitForBotMessage resolves when the bot writes; channel posts by the bot are reported', async () => {
    const channel = (await bot.invoke({ _: 'contacts.resolveUsername', username: 'testchannel' })).chats[0];
    const seen = dc.control.waitForBotMessage(botId, { predicate: (message) => message.text === 'posted' });
    const result = await bot.invoke({
      _: 'messages.sendMessage',
      peer: { _: 'inputPeerChannel', channelId: channel.id, accessHash: channel.accessHash },
      message: 'posted',
      randomId: 4242n,
    });
    expect(result._).toBe('updates');
    expect(result.updates.map((update: { _: string }) => update._)).toEqual(['updateMessageID', 'updateNewChannelMessage']);
    expect((await seen).peer).toBe(`channel:${CHANNEL_ID}`);
    const difference = await bot.invoke({
      _: 'updates.getChannelDifference',
      flags: 0,
      channel: { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash },
      filter: { _: 'channelMessagesFilterEmpty' },
      pts: 1,
      limit: 100,
    });
    expect(difference.newMessages.map((message: { message: string }) => message.message)).toContain('posted');
  });
});

describe('peers and users', () => {
  it('users.getUsers, users.getFullUser and contacts.resolveUsername', async () => {
    const [self] = await bot.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    expect(self).toMatchObject({ self: true, bot: true, id: BigInt(botId) });
    const full = await bot.invoke({ _: 'users.getFullUser', id: { _: 'inputUserSelf' } });
    expect(full.fullUser.botInfo.userId).toBe(BigInt(botId));
    const bob = await bot.invoke({ _: 'contacts.resolveUsername', username: 'bob' });
    expect(bob.peer).toEqual({ _: 'peerUser', userId: BigInt(BOB_ID) });
    expect((await failure(bot.invoke({ _: 'contacts.resolveUsername', username: 'nobody_here' })))?.errorMessage).toBe('USERNAME_NOT_OCCUPIED');
    expect((await failure(bot.invoke({ _: 'contacts.resolveUsername', username: '1x' })))?.errorMessage).toBe('USERNAME_INVALID');
  });

  it('refuses a second login with another secret, and calls without a login', async () => {
    const other = await openClient(dc, 2, { kind: 'tcp', framing: 'abridged', obfuscated: false });
    await other.createAuthKey({ publicKey, dc: 2 });
    const unauthorized = await failure(other.invoke({ _: 'updates.getState' }, { layer: true }));
    expect(unauthorized).toMatchObject({ errorCode: 401, errorMessage: 'AUTH_KEY_UNREGISTERED' });
    const wrong = await failure(other.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: `${botId}:other` }));
    expect(wrong?.errorMessage).toBe('ACCESS_TOKEN_INVALID');
    expect((await failure(other.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: 'nonsense' })))?.errorMessage).toBe(
      'ACCESS_TOKEN_INVALID',
    );
    other.close();
  });
});

describe('chats, channels and startup calls', () => {
  it('channels.getChannels, channels.getMessages (the seeded post carries the document), messages.getChats', async () => {
    const channel = (await bot.invoke({ _: 'contacts.resolveUsername', username: 'testchannel' })).chats[0];
    const input = { _: 'inputChannel', channelId: channel.id, accessHash: channel.accessHash };
    const chats = await bot.invoke({ _: 'channels.getChannels', id: [input] });
    expect(chats.chats[0]).toMatchObject({ _: 'channel', broadcast: true, title: 'Test Channel', username: 'testchannel' });
    const posts = await bot.invoke({ _: 'channels.getMessages', channel: input, id: [{ _: 'inputMessageID', id: 1 }] });
    expect(posts.messages[0].media.document.id).toBe(dc.control.documents()[0].id);
    const groups = await bot.invoke({ _: 'messages.getChats', id: [BigInt(GROUP_ID)] });
    expect(groups.chats[0]).toMatchObject({ _: 'chat', title: 'Test Group' });
    expect((await failure(bot.invoke({ _: 'messages.getChats', id: [5n] })))?.errorMessage).toBe('CHAT_ID_INVALID');
  });

  it('answers common startup calls and unwraps every invoke* wrapper', async () => {
    expect((await bot.invoke({ _: 'help.getAppConfig', hash: 0 }))._).toBe('help.appConfig');
    expect((await bot.invoke({ _: 'help.getCdnConfig' }))._).toBe('cdnConfig');
    const wrapped = await bot.invoke({
      _: 'invokeWithoutUpdates',
      query: { _: 'invokeAfterMsg', msgId: 0n, query: { _: 'help.getNearestDc' } },
    });
    expect(wrapped.thisDc).toBe(2);
  });
});

describe('authorization across DCs', () => {
  it('exports on the home DC, imports on another, logs out', async () => {
    const exported = await bot.invoke({ _: 'auth.exportAuthorization', dcId: 3 });
    const remote = await openClient(dc, 3, { kind: 'ws', framing: 'intermediate', obfuscated: true });
    await remote.createAuthKey({ publicKey, dc: 3 });
    const bad = await failure(remote.invoke({ _: 'auth.importAuthorization', id: exported.id, bytes: new Uint8Array(8) }, { layer: true }));
    expect(bad?.errorMessage).toBe('AUTH_BYTES_INVALID');
    const imported = await remote.invoke({ _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes });
    expect(imported.user.id).toBe(BigInt(botId));
    const reused = await failure(remote.invoke({ _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes }));
    expect(reused?.errorMessage).toBe('AUTH_BYTES_INVALID');
    expect((await remote.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }))[0].id).toBe(BigInt(botId));
    expect((await remote.invoke({ _: 'auth.logOut' }))._).toBe('auth.loggedOut');
    expect((await failure(remote.invoke({ _: 'updates.getState' })))?.errorMessage).toBe('AUTH_KEY_UNREGISTERED');
    remote.close();
  });
});

describe('files', () => {
  it('upload.getFile answers FILE_MIGRATE_X off the file DC and serves the bytes on it', async () => {
    const [document] = dc.control.documents();
    const location = { _: 'inputDocumentFileLocation', id: document.id, accessHash: document.accessHash, fileReference: document.fileReference, thumbSize: '' };
    // The seeded file lives on the second DC; the bot's home is DC 2 in this file, so use DC 3's copy of the login.
    expect(document.dcId).toBe(2);
    const exportedElsewhere = await bot.invoke({ _: 'auth.exportAuthorization', dcId: 3 });
    const elsewhere = await openClient(dc, 3, { kind: 'tcp', framing: 'intermediate', obfuscated: false });
    await elsewhere.createAuthKey({ publicKey, dc: 3 });
    await elsewhere.invoke({ _: 'auth.importAuthorization', id: exportedElsewhere.id, bytes: exportedElsewhere.bytes }, { layer: true });
    const migrate = await failure(elsewhere.invoke({ _: 'upload.getFile', flags: 0, location, offset: 0n, limit: 4096 }));
    expect(migrate).toMatchObject({ errorCode: 303, errorMessage: 'FILE_MIGRATE_2' });
    elsewhere.close();
    // On the file's DC (the bot's home here) the bot downloads directly.
    const files = await login(2, token);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < document.size; offset += 131072) {
      const part = await files.invoke({ _: 'upload.getFile', flags: 0, location, offset: BigInt(offset), limit: 131072 });
      expect(part._).toBe('upload.file');
      chunks.push(part.bytes);
    }
    expect(Buffer.concat(chunks).equals(Buffer.from(document.bytes))).toBe(true);
    const badLimit = await failure(files.invoke({ _: 'upload.getFile', flags: 0, location, offset: 0n, limit: 1000 }));
    expect(badLimit?.errorMessage).toBe('LIMIT_INVALID');
    files.close();
  });

  it('saveFilePart + messages.sendMedia turn parts into a document', async () => {
    const fileId = 99n;
    const part = new Uint8Array(1024).fill(7);
    expect(await bot.invoke({ _: 'upload.saveFilePart', fileId, filePart: 0, bytes: part })).toBe(true);
    expect(await bot.invoke({ _: 'upload.saveFilePart', fileId, filePart: 1, bytes: part.subarray(0, 10) })).toBe(true);
    const alice = (await bot.invoke({ _: 'contacts.resolveUsername', username: 'alice' })).users[0];
    const peer = { _: 'inputPeerUser', userId: alice.id, accessHash: alice.accessHash };
    const missing = await failure(
      bot.invoke({
        _: 'messages.sendMedia',
        peer,
        media: { _: 'inputMediaUploadedDocument', file: { _: 'inputFile', id: fileId, parts: 3, name: 'a.bin', md5Checksum: '' }, mimeType: 'application/octet-stream', attributes: [] },
        message: '',
        randomId: 1n,
      }),
    );
    expect(missing?.errorMessage).toBe('FILE_PART_2_MISSING');
    const sent = await bot.invoke({
      _: 'messages.sendMedia',
      peer,
      media: {
        _: 'inputMediaUploadedDocument',
        file: { _: 'inputFile', id: fileId, parts: 2, name: 'a.bin', md5Checksum: '' },
        mimeType: 'application/octet-stream',
        attributes: [{ _: 'documentAttributeFilename', fileName: 'a.bin' }],
      },
      message: 'a file',
      randomId: 2n,
    });
    const update = sent.updates.find((item: { _: string }) => item._ === 'updateNewMessage');
    expect(update.message.media.document).toMatchObject({ size: 1034n, mimeType: 'application/octet-stream' });
    expect(dc.control.botMessages(botId).find((message) => message.text === 'a file')?.documentId).toBeDefined();
    const empty = await failure(bot.invoke({ _: 'upload.saveFilePart', fileId, filePart: 0, bytes: new Uint8Array(0) }));
    expect(empty?.errorMessage).toBe('FILE_PART_EMPTY');
  });
});
