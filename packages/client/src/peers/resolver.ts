/**
 * `chatRef()`: turns what a user writes ('@alice', 'alice', 't.me/alice', 'me', 123, -100123n...)
 * into an `InputPeer`, asking the server only when the cache does not know the answer.
 */
import { MtprotoError, type TlType } from '@x/mtproto-core';
import type { Invoke } from '../util/method.js';
import { peerKeyOf, unmarkId, type PeerKey } from './marked-id.js';
import type { PeerCache } from './peer-cache.js';

/** Anything `chatRef` understands. */
export type ChatLike = string | number | bigint | PeerKey | TlType<'InputPeer'> | TlType<'Peer'>;

export interface PeerResolverOptions {
  peers: PeerCache;
  invoke: Invoke;
  selfId(): bigint | undefined;
}

export class PeerResolver {
  private readonly pending = new Map<string, Promise<TlType<'InputPeer'>>>();

  constructor(private readonly options: PeerResolverOptions) {}

  async resolve(chat: ChatLike): Promise<TlType<'InputPeer'>> {
    if (typeof chat === 'object' && '_' in chat) {
      if (chat._.startsWith('inputPeer')) return chat as TlType<'InputPeer'>;
      return this.byKey(peerKeyOf(chat as TlType<'Peer'>));
    }
    if (typeof chat === 'object') return this.byKey(chat);
    if (typeof chat === 'number') {
      if (!Number.isSafeInteger(chat)) throw new RangeError(`chat id ${chat} is not a safe integer; pass it as a bigint`);
      return this.byKey(unmarkId(BigInt(chat)));
    }
    if (typeof chat === 'bigint') return this.byKey(unmarkId(chat));
    const text = chat.trim();
    if (text === 'me' || text === 'self') return { _: 'inputPeerSelf' };
    if (/^-?\d+$/.test(text)) return this.byKey(unmarkId(BigInt(text)));
    const username = parseUsername(text);
    if (!username) throw new TypeError(`not a chat reference: ${JSON.stringify(chat)} (use '@username', 'me' or a numeric id)`);
    return this.byUsername(username);
  }

  /** A `Peer` for an `InputPeer` (the reverse mapping, needs our own id for inputPeerSelf). */
  peerOf(input: TlType<'InputPeer'>): TlType<'Peer'> {
    switch (input._) {
      case 'inputPeerUser':
      case 'inputPeerUserFromMessage':
        return { _: 'peerUser', userId: input.userId };
      case 'inputPeerChat':
        return { _: 'peerChat', chatId: input.chatId };
      case 'inputPeerChannel':
      case 'inputPeerChannelFromMessage':
        return { _: 'peerChannel', channelId: input.channelId };
      case 'inputPeerSelf': {
        const self = this.options.selfId();
        if (self === undefined) throw new MtprotoError('PEER_UNKNOWN', "'me' needs a logged-in session");
        return { _: 'peerUser', userId: self };
      }
      case 'inputPeerEmpty':
        throw new MtprotoError('PEER_UNKNOWN', 'inputPeerEmpty is not a chat');
    }
  }

  private byKey(key: PeerKey): Promise<TlType<'InputPeer'>> {
    if (key.type === 'chat') return Promise.resolve({ _: 'inputPeerChat', chatId: key.id });
    if (key.type === 'user' && key.id === this.options.selfId()) return Promise.resolve({ _: 'inputPeerSelf' });
    const known = this.options.peers.get(key);
    if (known) return Promise.resolve(inputPeerOf(key, known.accessHash));
    return this.once(`${key.type}:${key.id}`, () => this.fetchById(key));
  }

  /** Unknown id: Telegram lets bots fetch users/channels they have met with access hash 0. */
  private async fetchById(key: PeerKey): Promise<TlType<'InputPeer'>> {
    try {
      if (key.type === 'user') {
        const users = await this.options.invoke({ _: 'users.getUsers', id: [{ _: 'inputUser', userId: key.id, accessHash: 0n }] });
        this.options.peers.addEntities(users, []);
      } else {
        const result = await this.options.invoke({
          _: 'channels.getChannels',
          id: [{ _: 'inputChannel', channelId: key.id, accessHash: 0n }],
        });
        this.options.peers.addEntities([], result.chats);
      }
    } catch (cause) {
      throw new MtprotoError('PEER_UNKNOWN', `${key.type} ${key.id} is unknown to this session (no access hash); refer to it by @username or after it wrote to you`, {
        cause,
      });
    }
    const found = this.options.peers.get(key);
    if (!found) throw new MtprotoError('PEER_UNKNOWN', `${key.type} ${key.id} is unknown to this session (no access hash)`);
    return inputPeerOf(key, found.accessHash);
  }

  private byUsername(username: string): Promise<TlType<'InputPeer'>> {
    const known = this.options.peers.byUsername(username);
    if (known) return Promise.resolve(inputPeerOf(known, known.accessHash));
    return this.once(`@${username.toLowerCase()}`, async () => {
      const resolved = await this.options.invoke({ _: 'contacts.resolveUsername', username });
      this.options.peers.addEntities(resolved.users, resolved.chats);
      const key = peerKeyOf(resolved.peer);
      if (key.type === 'chat') return { _: 'inputPeerChat', chatId: key.id };
      const found = this.options.peers.get(key);
      if (!found) throw new MtprotoError('PEER_UNKNOWN', `@${username} resolved to ${key.type} ${key.id} without an access hash`);
      return inputPeerOf(key, found.accessHash);
    });
  }

  /** Concurrent lookups of the same name share one request. */
  private once(key: string, task: () => Promise<TlType<'InputPeer'>>): Promise<TlType<'InputPeer'>> {
    let pending = this.pending.get(key);
    if (!pending) {
      pending = task().finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }
}

export function inputPeerOf(key: PeerKey, accessHash: bigint): TlType<'InputPeer'> {
  if (key.type === 'user') return { _: 'inputPeerUser', userId: key.id, accessHash };
  if (key.type === 'chat') return { _: 'inputPeerChat', chatId: key.id };
  return { _: 'inputPeerChannel', channelId: key.id, accessHash };
}

/** '@name', 'name', 't.me/name', 'https://t.me/name' -> 'name'; anything else -> undefined. */
export function parseUsername(text: string): string | undefined {
  const match = /^(?:@|(?:https?:\/\/)?(?:t\.me|telegram\.me)\/)?([a-zA-Z][a-zA-Z0-9_]{2,31})\/?$/.exec(text);
  return match?.[1];
}
