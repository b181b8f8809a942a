/** channels.getChannels, channels.getMessages and messages.getChats. */
import type { Tl, TlType } from '@x/mtproto-core';
import type { StoredMessage } from '../../world/entities.js';
import { presentChannel, presentChat, presentMessage, referencedPeers } from '../../world/present.js';
import type { RpcContext } from '../context.js';
import { resolveInputChannel } from '../peers.js';
import { badRequest, RpcFailure } from '../rpc-failure.js';

export function getChannels(ctx: RpcContext, request: Tl<'channels.getChannels'>): Tl<'messages.chats'> {
  const user = ctx.requireUser();
  return { _: 'messages.chats', chats: request.id.map((input) => presentChannel(resolveInputChannel(ctx.shared.world, input), user.id)) };
}

export function getChats(ctx: RpcContext, request: Tl<'messages.getChats'>): Tl<'messages.chats'> {
  const user = ctx.requireUser();
  const chats: TlType<'Chat'>[] = [];
  for (const id of request.id) {
    const chat = ctx.shared.world.chats.get(Number(id));
    if (chat === undefined) throw badRequest('CHAT_ID_INVALID');
    chats.push(presentChat(chat, user.id));
  }
  return { _: 'messages.chats', chats };
}

export function getChannelMessages(ctx: RpcContext, request: Tl<'channels.getMessages'>): Tl<'messages.channelMessages'> {
  const user = ctx.requireUser();
  const world = ctx.shared.world;
  const channel = resolveInputChannel(world, request.channel);
  if (!channel.members.has(user.id)) throw new RpcFailure(403, 'CHANNEL_PRIVATE');
  const found: StoredMessage[] = [];
  const messages: TlType<'Message'>[] = request.id.map((input) => {
    const id = input._ === 'inputMessageID' ? input.id : 0;
    const message = channel.messages.get(id);
    if (message === undefined) return { _: 'messageEmpty', id } as Tl<'messageEmpty'>;
    found.push(message);
    return presentMessage(world, message);
  });
  const peers = referencedPeers(world, found, user.id);
  return {
    _: 'messages.channelMessages',
    pts: channel.pts,
    count: messages.length,
    messages,
    topics: [],
    chats: peers.chats.length > 0 ? peers.chats : [presentChannel(channel, user.id)],
    users: peers.users,
  } as Tl<'messages.channelMessages'>;
}
