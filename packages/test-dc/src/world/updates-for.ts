/**
 * What a user's sessions receive when a message lands in their box: updateShortMessage /
 * updateShortChatMessage for plain text, `updates` with updateNewMessage / updateNewChannelMessage
 * for media and channel posts, as Telegram sends them.
 */
import type { TlObject } from '@x/mtproto-core';
import { presentChannel, presentMessage, referencedPeers } from './present.js';
import type { Delivery, World } from './world.js';

export function updatesFor(world: World, delivery: Delivery): TlObject {
  const message = delivery.message;
  const viewerId = delivery.userId;
  if (delivery.channelId !== undefined || message.documentId !== undefined) {
    const peers = referencedPeers(world, [message], viewerId);
    const channel = delivery.channelId !== undefined ? world.channels.get(delivery.channelId) : undefined;
    const presented = presentMessage(world, message);
    return {
      _: 'updates',
      updates: [
        channel !== undefined
          ? { _: 'updateNewChannelMessage', message: presented, pts: message.pts, ptsCount: 1 }
          : { _: 'updateNewMessage', message: presented, pts: message.pts, ptsCount: 1 },
      ],
      users: peers.users,
      chats: channel !== undefined && peers.chats.length === 0 ? [presentChannel(channel, viewerId)] : peers.chats,
      date: message.date,
      seq: 0,
    } as TlObject;
  }
  if (message.peer.kind === 'chat') {
    return {
      _: 'updateShortChatMessage',
      ...(message.out ? { out: true } : {}),
      id: message.id,
      fromId: BigInt(message.fromId ?? 0),
      chatId: BigInt(message.peer.id),
      message: message.text,
      pts: message.pts,
      ptsCount: 1,
      date: message.date,
    } as TlObject;
  }
  return {
    _: 'updateShortMessage',
    ...(message.out ? { out: true } : {}),
    id: message.id,
    userId: BigInt(message.peer.id),
    message: message.text,
    pts: message.pts,
    ptsCount: 1,
    date: message.date,
  } as TlObject;
}
