/** messages.sendMessage / sendMedia / getMessages and the updates.* catch-up methods. */
import type { Tl, TlType } from '@x/mtproto-core';
import type { StoredMessage } from '../../world/entities.js';
import { presentChannel, presentMessage, presentUser, referencedPeers } from '../../world/present.js';
import type { SendOutcome } from '../../world/world.js';
import type { RpcContext } from '../context.js';
import { resolveInputChannel, resolveInputPeer } from '../peers.js';
import { badRequest, RpcFailure } from '../rpc-failure.js';

export function sendMessage(ctx: RpcContext, request: Tl<'messages.sendMessage'>): TlType<'Updates'> {
  const user = ctx.requireUser();
  const peer = resolveInputPeer(ctx.shared.world, user, request.peer);
  const outcome = ctx.shared.world.sendMessage(user.id, peer, request.message, request.randomId);
  return sentUpdates(ctx, outcome, request.randomId, false);
}

export function sendMedia(ctx: RpcContext, request: Tl<'messages.sendMedia'>): TlType<'Updates'> {
  const user = ctx.requireUser();
  const peer = resolveInputPeer(ctx.shared.world, user, request.peer);
  const media = request.media;
  if (media._ !== 'inputMediaUploadedDocument') throw badRequest('MEDIA_INVALID');
  const file = media.file;
  if (file._ !== 'inputFile' && file._ !== 'inputFileBig') throw badRequest('MEDIA_INVALID');
  const fileName = media.attributes.find((attribute) => attribute._ === 'documentAttributeFilename');
  const document = ctx.shared.world.documentFromUpload(
    user.id,
    file.id,
    file.parts,
    fileName?._ === 'documentAttributeFilename' ? fileName.fileName : file.name,
    media.mimeType,
    ctx.dcId,
  );
  if ('missingPart' in document) throw badRequest(`FILE_PART_${document.missingPart}_MISSING`);
  const outcome = ctx.shared.world.sendMessage(user.id, peer, request.message, request.randomId, document.id);
  return sentUpdates(ctx, outcome, request.randomId, true);
}

/** What Telegram answers a send with: updateShortSentMessage for plain text, else updates. */
function sentUpdates(ctx: RpcContext, outcome: SendOutcome, randomId: bigint, media: boolean): TlType<'Updates'> {
  if (!outcome.ok) throw new RpcFailure(outcome.code, outcome.error);
  const world = ctx.shared.world;
  const viewerId = ctx.requireUser().id;
  const { message } = outcome;
  if (outcome.channelId === undefined && !media) {
    return { _: 'updateShortSentMessage', out: true, id: message.id, pts: outcome.pts, ptsCount: 1, date: message.date } as Tl<'updateShortSentMessage'>;
  }
  const presented = { ...presentMessage(world, message), out: true };
  const peers = referencedPeers(world, [message], viewerId);
  const update: TlType<'Update'> =
    outcome.channelId !== undefined
      ? { _: 'updateNewChannelMessage', message: presented, pts: outcome.pts, ptsCount: 1 }
      : { _: 'updateNewMessage', message: presented, pts: outcome.pts, ptsCount: 1 };
  return {
    _: 'updates',
    updates: [{ _: 'updateMessageID', id: message.id, randomId }, update],
    users: peers.users,
    chats: peers.chats,
    date: message.date,
    seq: 0,
  } as Tl<'updates'>;
}

export function getMessages(ctx: RpcContext, request: Tl<'messages.getMessages'>): Tl<'messages.messages'> {
  const user = ctx.requireUser();
  const world = ctx.shared.world;
  const found: StoredMessage[] = [];
  const messages: TlType<'Message'>[] = [];
  for (const input of request.id) {
    const id = input._ === 'inputMessageID' ? input.id : undefined;
    const message = id !== undefined ? user.box.messages.get(id) : undefined;
    if (message === undefined) {
      messages.push({ _: 'messageEmpty', id: id ?? 0 } as Tl<'messageEmpty'>);
      continue;
    }
    found.push(message);
    messages.push(presentMessage(world, message));
  }
  const peers = referencedPeers(world, found, user.id);
  return { _: 'messages.messages', messages, topics: [], chats: peers.chats, users: peers.users };
}

export function getState(ctx: RpcContext): Tl<'updates.state'> {
  const user = ctx.requireUser();
  return { _: 'updates.state', pts: user.box.pts, qts: 0, date: Math.floor(ctx.now), seq: 0, unreadCount: 0 };
}

const DIFFERENCE_LIMIT = 100;

export function getDifference(ctx: RpcContext, request: Tl<'updates.getDifference'>): TlType<'updates.Difference'> {
  const user = ctx.requireUser();
  const world = ctx.shared.world;
  const now = Math.floor(ctx.now);
  if (request.pts >= user.box.pts) return { _: 'updates.differenceEmpty', date: now, seq: 0 };
  const all = world.boxMessagesSince(user.id, request.pts);
  const limit = Math.min(request.ptsTotalLimit ?? DIFFERENCE_LIMIT, DIFFERENCE_LIMIT);
  const slice = all.slice(0, limit);
  const peers = referencedPeers(world, slice, user.id);
  const last = slice[slice.length - 1];
  const complete = slice.length === all.length;
  const state: Tl<'updates.state'> = { _: 'updates.state', pts: complete ? user.box.pts : last.pts, qts: 0, date: now, seq: 0, unreadCount: 0 };
  const body = {
    newMessages: slice.map((message) => presentMessage(world, message)),
    newEncryptedMessages: [],
    otherUpdates: [],
    chats: peers.chats,
    users: peers.users,
  };
  return complete
    ? ({ _: 'updates.difference', ...body, state } as Tl<'updates.difference'>)
    : ({ _: 'updates.differenceSlice', ...body, intermediateState: state } as Tl<'updates.differenceSlice'>);
}

export function getChannelDifference(ctx: RpcContext, request: Tl<'updates.getChannelDifference'>): TlType<'updates.ChannelDifference'> {
  const user = ctx.requireUser();
  const world = ctx.shared.world;
  const channel = resolveInputChannel(world, request.channel);
  if (!channel.members.has(user.id)) throw new RpcFailure(403, 'CHANNEL_PRIVATE');
  const limit = Math.max(1, Math.min(request.limit, DIFFERENCE_LIMIT));
  const messages = [...channel.messages.values()].filter((message) => message.pts > request.pts).sort((a, b) => a.pts - b.pts);
  if (messages.length === 0) return { _: 'updates.channelDifferenceEmpty', final: true, pts: channel.pts } as Tl<'updates.channelDifferenceEmpty'>;
  const slice = messages.slice(0, limit);
  const peers = referencedPeers(world, slice, user.id);
  const final = slice.length === messages.length;
  return {
    _: 'updates.channelDifference',
    ...(final ? { final: true } : {}),
    pts: final ? channel.pts : slice[slice.length - 1].pts,
    newMessages: slice.map((message) => presentMessage(world, message)),
    otherUpdates: [],
    chats: peers.chats.length > 0 ? peers.chats : [presentChannel(channel, user.id)],
    users: peers.users.length > 0 ? peers.users : [presentUser(user, user.id)],
  } as Tl<'updates.channelDifference'>;
}
