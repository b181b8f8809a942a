/** users.getUsers, users.getFullUser, contacts.resolveUsername. */
import type { Tl, TlType } from '@x/mtproto-core';
import { presentChannel, presentUser } from '../../world/present.js';
import type { RpcContext } from '../context.js';
import { resolveInputUser } from '../peers.js';
import { badRequest } from '../rpc-failure.js';

export function getUsers(ctx: RpcContext, request: Tl<'users.getUsers'>): TlType<'User'>[] {
  const viewer = ctx.requireUser();
  const out: TlType<'User'>[] = [];
  for (const input of request.id) {
    const user = resolveInputUser(ctx.shared.world, viewer, input);
    if (user !== undefined) out.push(presentUser(user, viewer.id));
  }
  return out;
}

export function getFullUser(ctx: RpcContext, request: Tl<'users.getFullUser'>): Tl<'users.userFull'> {
  const viewer = ctx.requireUser();
  const user = resolveInputUser(ctx.shared.world, viewer, request.id);
  if (user === undefined) throw badRequest('USER_ID_INVALID');
  return {
    _: 'users.userFull',
    fullUser: {
      _: 'userFull',
      id: BigInt(user.id),
      ...(user.bot ? {} : { about: `Hi, I am ${user.firstName}.` }),
      settings: { _: 'peerSettings' },
      notifySettings: { _: 'peerNotifySettings' },
      ...(user.bot ? { botInfo: { _: 'botInfo', userId: BigInt(user.id), description: 'A bot of the local test DC', commands: [] } } : {}),
      commonChatsCount: 0,
    },
    chats: [],
    users: [presentUser(user, viewer.id)],
  } as Tl<'users.userFull'>;
}

export function resolveUsername(ctx: RpcContext, request: Tl<'contacts.resolveUsername'>): Tl<'contacts.resolvedPeer'> {
  const viewer = ctx.requireUser();
  const username = request.username;
  if (!/^[A-Za-z][A-Za-z0-9_]{2,31}$/.test(username)) throw badRequest('USERNAME_INVALID');
  const world = ctx.shared.world;
  const user = world.userByUsername(username);
  if (user !== undefined) {
    return { _: 'contacts.resolvedPeer', peer: { _: 'peerUser', userId: BigInt(user.id) }, chats: [], users: [presentUser(user, viewer.id)] };
  }
  const channel = world.channelByUsername(username);
  if (channel !== undefined) {
    return { _: 'contacts.resolvedPeer', peer: { _: 'peerChannel', channelId: BigInt(channel.id) }, chats: [presentChannel(channel, viewer.id)], users: [] };
  }
  throw badRequest('USERNAME_NOT_OCCUPIED');
}
