/**
 * Expands every form of `Updates` into one shape: a list of full `Update` objects with their
 * users/chats and seq range. Short forms become the update they abbreviate
 * (`updateShortMessage` -> `updateNewMessage` with a whole `message`).
 */
import type { Tl, TlType } from '@x/mtproto-core';
import type { UpdatesBatch } from './sequencer.js';

export interface NormalizedUpdates extends UpdatesBatch {
  updates: TlType<'Update'>[];
  users: TlType<'User'>[];
  chats: TlType<'Chat'>[];
  /** `updatesTooLong`: too much to push, fetch a difference. */
  tooLong: boolean;
}

/** `selfId`: our user id, to fill `fromId` of our own short messages. */
export function normalizeUpdates(updates: TlType<'Updates'>, selfId: bigint | undefined): NormalizedUpdates {
  switch (updates._) {
    case 'updatesTooLong':
      return { updates: [], users: [], chats: [], seq: 0, seqStart: 0, date: 0, tooLong: true };
    case 'updateShortMessage':
      return single(expandShortMessage(updates, selfId), updates.date);
    case 'updateShortChatMessage':
      return single(expandShortChatMessage(updates), updates.date);
    case 'updateShort':
      return single(updates.update, updates.date);
    case 'updatesCombined':
      return {
        updates: updates.updates,
        users: updates.users,
        chats: updates.chats,
        seq: updates.seq,
        seqStart: updates.seqStart,
        date: updates.date,
        tooLong: false,
      };
    case 'updates':
      return {
        updates: updates.updates,
        users: updates.users,
        chats: updates.chats,
        seq: updates.seq,
        seqStart: updates.seq,
        date: updates.date,
        tooLong: false,
      };
    case 'updateShortSentMessage':
      // Only an answer to our own send; the caller expands it with the request (expandSentMessage).
      return { updates: [], users: [], chats: [], seq: 0, seqStart: 0, date: updates.date, tooLong: false };
    default:
      return assertNever(updates);
  }
}

function single(update: TlType<'Update'>, date: number): NormalizedUpdates {
  return { updates: [update], users: [], chats: [], seq: 0, seqStart: 0, date, tooLong: false };
}

function expandShortMessage(short: Tl<'updateShortMessage'>, selfId: bigint | undefined): Tl<'updateNewMessage'> {
  const other: TlType<'Peer'> = { _: 'peerUser', userId: short.userId };
  const message: Tl<'message'> = {
    _: 'message',
    out: short.out,
    mentioned: short.mentioned,
    mediaUnread: short.mediaUnread,
    silent: short.silent,
    id: short.id,
    fromId: short.out && selfId !== undefined ? { _: 'peerUser', userId: selfId } : other,
    peerId: other,
    fwdFrom: short.fwdFrom,
    viaBotId: short.viaBotId,
    replyTo: short.replyTo,
    date: short.date,
    message: short.message,
    entities: short.entities,
    ttlPeriod: short.ttlPeriod,
  };
  return { _: 'updateNewMessage', message, pts: short.pts, ptsCount: short.ptsCount };
}

function expandShortChatMessage(short: Tl<'updateShortChatMessage'>): Tl<'updateNewMessage'> {
  const message: Tl<'message'> = {
    _: 'message',
    out: short.out,
    mentioned: short.mentioned,
    mediaUnread: short.mediaUnread,
    silent: short.silent,
    id: short.id,
    fromId: { _: 'peerUser', userId: short.fromId },
    peerId: { _: 'peerChat', chatId: short.chatId },
    fwdFrom: short.fwdFrom,
    viaBotId: short.viaBotId,
    replyTo: short.replyTo,
    date: short.date,
    message: short.message,
    entities: short.entities,
    ttlPeriod: short.ttlPeriod,
  };
  return { _: 'updateNewMessage', message, pts: short.pts, ptsCount: short.ptsCount };
}

/**
 * `updateShortSentMessage` answers our own `messages.sendMessage` with only the new id and pts:
 * rebuild the whole message from the request.
 */
export function expandSentMessage(
  sent: Tl<'updateShortSentMessage'>,
  request: Tl<'messages.sendMessage'>,
  peer: TlType<'Peer'>,
  selfId: bigint | undefined,
): Tl<'updateNewMessage'> | Tl<'updateNewChannelMessage'> {
  const replyToMsgId = request.replyTo?._ === 'inputReplyToMessage' ? request.replyTo.replyToMsgId : undefined;
  const message: Tl<'message'> = {
    _: 'message',
    out: true,
    silent: request.silent,
    id: sent.id,
    fromId: selfId !== undefined ? { _: 'peerUser', userId: selfId } : undefined,
    peerId: peer,
    replyTo: replyToMsgId !== undefined ? { _: 'messageReplyHeader', replyToMsgId } : undefined,
    date: sent.date,
    message: request.message,
    media: sent.media,
    entities: sent.entities ?? request.entities,
    ttlPeriod: sent.ttlPeriod,
  };
  return peer._ === 'peerChannel'
    ? { _: 'updateNewChannelMessage', message, pts: sent.pts, ptsCount: sent.ptsCount }
    : { _: 'updateNewMessage', message, pts: sent.pts, ptsCount: sent.ptsCount };
}

function assertNever(value: never): never {
  throw new TypeError(`unexpected Updates constructor ${(value as { _: string })._}`);
}
