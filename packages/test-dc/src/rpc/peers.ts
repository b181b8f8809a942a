/** Resolving InputPeer / InputUser / InputChannel against the world, with access_hash checks. */
import type { TlType } from '@x/mtproto-core';
import type { PeerRef, WorldChannel, WorldUser } from '../world/entities.js';
import type { World } from '../world/world.js';
import { badRequest } from './rpc-failure.js';

/** Bots may use access_hash 0 for users (what Bot API libraries do); everyone else must match. */
function hashMatches(expected: bigint, given: bigint, viewer: WorldUser): boolean {
  return given === expected || (viewer.bot && given === 0n);
}

export function resolveInputPeer(world: World, viewer: WorldUser, input: TlType<'InputPeer'>): PeerRef {
  switch (input._) {
    case 'inputPeerSelf':
      return { kind: 'user', id: viewer.id };
    case 'inputPeerUser': {
      const user = world.users.get(Number(input.userId));
      if (user === undefined || !hashMatches(user.accessHash, input.accessHash, viewer)) throw badRequest('PEER_ID_INVALID');
      return { kind: 'user', id: user.id };
    }
    case 'inputPeerChat': {
      if (!world.chats.has(Number(input.chatId))) throw badRequest('PEER_ID_INVALID');
      return { kind: 'chat', id: Number(input.chatId) };
    }
    case 'inputPeerChannel': {
      const channel = world.channels.get(Number(input.channelId));
      if (channel === undefined || channel.accessHash !== input.accessHash) throw badRequest('CHANNEL_INVALID');
      return { kind: 'channel', id: channel.id };
    }
    case 'inputPeerUserFromMessage':
      return { kind: 'user', id: resolveExistingUser(world, Number(input.userId)).id };
    case 'inputPeerChannelFromMessage': {
      const channel = world.channels.get(Number(input.channelId));
      if (channel === undefined) throw badRequest('CHANNEL_INVALID');
      return { kind: 'channel', id: channel.id };
    }
    default:
      throw badRequest('PEER_ID_INVALID');
  }
}

export function resolveInputUser(world: World, viewer: WorldUser, input: TlType<'InputUser'>): WorldUser | undefined {
  switch (input._) {
    case 'inputUserSelf':
      return viewer;
    case 'inputUser': {
      const user = world.users.get(Number(input.userId));
      return user !== undefined && hashMatches(user.accessHash, input.accessHash, viewer) ? user : undefined;
    }
    case 'inputUserFromMessage':
      return world.users.get(Number(input.userId));
    default:
      return undefined;
  }
}

export function resolveInputChannel(world: World, input: TlType<'InputChannel'>): WorldChannel {
  if (input._ === 'inputChannel') {
    const channel = world.channels.get(Number(input.channelId));
    if (channel !== undefined && channel.accessHash === input.accessHash) return channel;
  } else if (input._ === 'inputChannelFromMessage') {
    const channel = world.channels.get(Number(input.channelId));
    if (channel !== undefined) return channel;
  }
  throw badRequest('CHANNEL_INVALID');
}

function resolveExistingUser(world: World, id: number): WorldUser {
  const user = world.users.get(id);
  if (user === undefined) throw badRequest('PEER_ID_INVALID');
  return user;
}
