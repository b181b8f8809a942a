/**
 * One number for any chat, as the Bot API writes them: users are positive, basic groups are
 * `-chatId`, channels and supergroups are `-(1000000000000 + channelId)`.
 */

export type PeerType = 'user' | 'chat' | 'channel';

export interface PeerKey {
  type: PeerType;
  id: bigint;
}

const CHANNEL_OFFSET = 1_000_000_000_000n;

export function markedId(peer: PeerKey): bigint {
  if (peer.type === 'user') return peer.id;
  if (peer.type === 'chat') return -peer.id;
  return -(CHANNEL_OFFSET + peer.id);
}

export function unmarkId(marked: bigint): PeerKey {
  if (marked > 0n) return { type: 'user', id: marked };
  if (marked <= -CHANNEL_OFFSET) return { type: 'channel', id: -marked - CHANNEL_OFFSET };
  if (marked < 0n) return { type: 'chat', id: -marked };
  throw new RangeError('0 is not a chat id');
}

/** The peer of a TL `Peer` (`peerUser`, `peerChat`, `peerChannel`). */
export function peerKeyOf(peer: { _: string; userId?: bigint; chatId?: bigint; channelId?: bigint }): PeerKey {
  if (peer._ === 'peerUser' && peer.userId !== undefined) return { type: 'user', id: peer.userId };
  if (peer._ === 'peerChat' && peer.chatId !== undefined) return { type: 'chat', id: peer.chatId };
  if (peer._ === 'peerChannel' && peer.channelId !== undefined) return { type: 'channel', id: peer.channelId };
  throw new TypeError(`not a peer: ${peer._}`);
}

export function peerCacheKey(peer: PeerKey): string {
  return `${peer.type}:${peer.id}`;
}
