import { describe, expect, it } from 'vitest';
import { markedId, unmarkId, peerKeyOf } from '../src/peers/marked-id.js';
import { PeerCache } from '../src/peers/peer-cache.js';
import { PeerResolver, parseUsername } from '../src/peers/resolver.js';

describe('marked ids', () => {
  it('maps users, basic groups and channels like the Bot API', () => {
    expect(markedId({ type: 'user', id: 777n })).toBe(777n);
    expect(markedId({ type: 'chat', id: 777n })).toBe(-777n);
    expect(markedId({ type: 'channel', id: 777n })).toBe(-1000000000777n);
    for (const key of [
      { type: 'user', id: 1n },
      { type: 'chat', id: 999999999999n },
      { type: 'channel', id: 5n },
    ] as const) {
      expect(unmarkId(markedId(key))).toEqual(key);
    }
    expect(() => unmarkId(0n)).toThrow(RangeError);
  });

  it('reads TL peers', () => {
    expect(peerKeyOf({ _: 'peerChannel', channelId: 3n })).toEqual({ type: 'channel', id: 3n });
    expect(() => peerKeyOf({ _: 'peerUnknown' })).toThrow(TypeError);
  });
});

describe('parseUsername', () => {
  it.each([
    ['@alice', 'alice'],
    ['alice', 'alice'],
    ['t.me/alice', 'alice'],
    ['https://t.me/alice_bot/', 'alice_bot'],
  ])('%s -> %s', (input, name) => expect(parseUsername(input)).toBe(name));

  it.each(['', '@', '@1abc', 'a b', 'https://example.com/alice', '@ab'])('rejects %j', (input) => expect(parseUsername(input)).toBeUndefined());
});

describe('PeerCache', () => {
  const user = (id: bigint, accessHash: bigint, username?: string, min = false) => ({ _: 'user', id, accessHash, username, min });

  it('learns users, chats and channels, and finds them by username case-insensitively', () => {
    const cache = new PeerCache();
    cache.addEntities([user(1n, 11n, 'Alice')], [
      { _: 'chat', id: 2n },
      { _: 'channel', id: 3n, accessHash: 33n, username: 'news' },
    ]);
    expect(cache.get({ type: 'user', id: 1n })?.accessHash).toBe(11n);
    expect(cache.get({ type: 'chat', id: 2n })?.accessHash).toBe(0n);
    expect(cache.byUsername('alice')?.id).toBe(1n);
    expect(cache.byUsername('NEWS')?.type).toBe('channel');
    expect(cache.dirty).toBe(true);
    expect(cache.export()).toHaveLength(3);
    expect(cache.dirty).toBe(false);
  });

  it('ignores the access hash of min objects but keeps their username', () => {
    const cache = new PeerCache();
    cache.addEntities([user(1n, 11n, 'alice')], []);
    cache.addEntities([user(1n, 999n, 'alice2', true)], []);
    expect(cache.get({ type: 'user', id: 1n })?.accessHash).toBe(11n);
    expect(cache.byUsername('alice2')?.id).toBe(1n);
    cache.addEntities([user(2n, 22n, undefined, true)], []);
    expect(cache.get({ type: 'user', id: 2n })).toBeUndefined();
  });

  it('expires username answers after a day', () => {
    const cache = new PeerCache();
    cache.addEntities([user(1n, 11n, 'alice')], [], 1000);
    expect(cache.byUsername('alice', 1000 + 3600)).toBeDefined();
    expect(cache.byUsername('alice', 1000 + 2 * 86400)).toBeUndefined();
  });

  it('round-trips through export', () => {
    const cache = new PeerCache();
    cache.addEntities([user(1n, 11n, 'alice')], []);
    const again = new PeerCache(cache.export());
    expect(again.get({ type: 'user', id: 1n })).toEqual(cache.get({ type: 'user', id: 1n }));
    expect(again.dirty).toBe(false);
  });
});

describe('PeerResolver', () => {
  function setup() {
    const peers = new PeerCache();
    const calls: Array<{ _: string }> = [];
    const resolver = new PeerResolver({
      peers,
      selfId: () => 100n,
      invoke: (async (method: { _: string; username?: string }) => {
        calls.push(method);
        if (method._ === 'contacts.resolveUsername') {
          if (method.username === 'ghost') throw new Error('USERNAME_NOT_OCCUPIED');
          return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: 5n }, users: [{ _: 'user', id: 5n, accessHash: 55n, username: 'alice' }], chats: [] };
        }
        if (method._ === 'users.getUsers') return [{ _: 'user', id: 6n, accessHash: 66n }];
        throw new Error(`unexpected ${method._}`);
      }) as never,
    });
    return { peers, calls, resolver };
  }

  it("resolves 'me', ids of ourselves and of basic groups without a call", async () => {
    const { resolver, calls } = setup();
    expect(await resolver.resolve('me')).toEqual({ _: 'inputPeerSelf' });
    expect(await resolver.resolve(100)).toEqual({ _: 'inputPeerSelf' });
    expect(await resolver.resolve(-42n)).toEqual({ _: 'inputPeerChat', chatId: 42n });
    expect(calls).toEqual([]);
  });

  it('resolves a username once and then from the cache, concurrent lookups sharing the call', async () => {
    const { resolver, calls } = setup();
    const [a, b] = await Promise.all([resolver.resolve('@alice'), resolver.resolve('alice')]);
    expect(a).toEqual({ _: 'inputPeerUser', userId: 5n, accessHash: 55n });
    expect(b).toEqual(a);
    expect(await resolver.resolve('t.me/Alice')).toEqual(a);
    expect(await resolver.resolve(5)).toEqual(a);
    expect(calls.map((c) => c._)).toEqual(['contacts.resolveUsername']);
  });

  it('fetches an unknown user id with access hash 0 and caches the answer', async () => {
    const { resolver, calls } = setup();
    expect(await resolver.resolve('6')).toEqual({ _: 'inputPeerUser', userId: 6n, accessHash: 66n });
    expect(await resolver.resolve(6n)).toEqual({ _: 'inputPeerUser', userId: 6n, accessHash: 66n });
    expect(calls.map((c) => c._)).toEqual(['users.getUsers']);
  });

  it('gives clear errors', async () => {
    const { resolver } = setup();
    await expect(resolver.resolve('not a name!')).rejects.toThrow(TypeError);
    await expect(resolver.resolve(2 ** 60)).rejects.toThrow(/bigint/);
    await expect(resolver.resolve('@ghost')).rejects.toThrow('USERNAME_NOT_OCCUPIED');
    await expect(resolver.resolve(-1000000000007n)).rejects.toMatchObject({ code: 'PEER_UNKNOWN' });
  });
});
