/** Turns world records into the TL objects a real server would send (layer 223 shapes). */
import type { Tl, TlType } from '@x/mtproto-core';
import type { PeerRef, StoredMessage, WorldChannel, WorldChat, WorldDocument, WorldUser } from './entities.js';
import type { World } from './world.js';

export function presentUser(user: WorldUser, viewerId: number | undefined): Tl<'user'> {
  const self = viewerId === user.id;
  return {
    _: 'user',
    ...(self ? { self: true } : {}),
    ...(user.bot ? { bot: true, botInfoVersion: 1, botNochats: false } : { status: { _: 'userStatusRecently' } as Tl<'userStatusRecently'> }),
    id: BigInt(user.id),
    accessHash: user.accessHash,
    firstName: user.firstName,
    ...(user.lastName !== undefined ? { lastName: user.lastName } : {}),
    ...(user.username !== undefined ? { username: user.username } : {}),
    ...(self && user.phone !== undefined ? { phone: user.phone } : {}),
    photo: { _: 'userProfilePhotoEmpty' },
  } as Tl<'user'>;
}

export function presentChat(chat: WorldChat, viewerId: number | undefined): Tl<'chat'> {
  return {
    _: 'chat',
    ...(viewerId === chat.creatorId ? { creator: true } : {}),
    ...(viewerId !== undefined && !chat.members.has(viewerId) ? { left: true } : {}),
    id: BigInt(chat.id),
    title: chat.title,
    photo: { _: 'chatPhotoEmpty' },
    participantsCount: chat.members.size,
    date: chat.date,
    version: chat.version,
  } as Tl<'chat'>;
}

export function presentChannel(channel: WorldChannel, viewerId: number | undefined): Tl<'channel'> {
  const admin = viewerId !== undefined && channel.admins.has(viewerId);
  return {
    _: 'channel',
    ...(viewerId === channel.creatorId ? { creator: true } : {}),
    ...(viewerId !== undefined && !channel.members.has(viewerId) ? { left: true } : {}),
    ...(channel.broadcast ? { broadcast: true } : { megagroup: true }),
    id: BigInt(channel.id),
    accessHash: channel.accessHash,
    title: channel.title,
    ...(channel.username !== undefined ? { username: channel.username } : {}),
    photo: { _: 'chatPhotoEmpty' },
    date: channel.date,
    ...(admin
      ? { adminRights: { _: 'chatAdminRights', changeInfo: true, postMessages: true, editMessages: true, deleteMessages: true, inviteUsers: true, pinMessages: true } }
      : {}),
    participantsCount: channel.members.size,
  } as Tl<'channel'>;
}

export function presentPeer(peer: PeerRef): TlType<'Peer'> {
  switch (peer.kind) {
    case 'user':
      return { _: 'peerUser', userId: BigInt(peer.id) };
    case 'chat':
      return { _: 'peerChat', chatId: BigInt(peer.id) };
    case 'channel':
      return { _: 'peerChannel', channelId: BigInt(peer.id) };
  }
}

export function presentDocument(document: WorldDocument): Tl<'document'> {
  return {
    _: 'document',
    id: document.id,
    accessHash: document.accessHash,
    fileReference: document.fileReference,
    date: document.date,
    mimeType: document.mimeType,
    size: BigInt(document.bytes.length),
    dcId: document.dcId,
    attributes: [{ _: 'documentAttributeFilename', fileName: document.fileName }],
  } as Tl<'document'>;
}

export function presentMessage(world: World, message: StoredMessage): Tl<'message'> {
  const document = message.documentId !== undefined ? world.documents.get(message.documentId) : undefined;
  return {
    _: 'message',
    ...(message.out ? { out: true } : {}),
    ...(message.peer.kind === 'channel' && message.fromId === undefined ? { post: true } : {}),
    id: message.id,
    ...(message.fromId !== undefined && (message.peer.kind !== 'user' || message.out) ? { fromId: { _: 'peerUser', userId: BigInt(message.fromId) } } : {}),
    peerId: presentPeer(message.peer),
    date: message.date,
    message: message.text,
    ...(document !== undefined ? { media: { _: 'messageMediaDocument', document: presentDocument(document) } } : {}),
  } as Tl<'message'>;
}

/** Users and chats a list of messages refers to, as the viewer sees them. */
export function referencedPeers(world: World, messages: StoredMessage[], viewerId: number | undefined): { users: Tl<'user'>[]; chats: TlType<'Chat'>[] } {
  const userIds = new Set<number>();
  const chatIds = new Set<number>();
  const channelIds = new Set<number>();
  if (viewerId !== undefined) userIds.add(viewerId);
  for (const message of messages) {
    if (message.fromId !== undefined) userIds.add(message.fromId);
    if (message.peer.kind === 'user') userIds.add(message.peer.id);
    else if (message.peer.kind === 'chat') chatIds.add(message.peer.id);
    else channelIds.add(message.peer.id);
  }
  const users = [...userIds].flatMap((id) => {
    const user = world.users.get(id);
    return user ? [presentUser(user, viewerId)] : [];
  });
  const chats: TlType<'Chat'>[] = [
    ...[...chatIds].flatMap((id) => {
      const chat = world.chats.get(id);
      return chat ? [presentChat(chat, viewerId)] : [];
    }),
    ...[...channelIds].flatMap((id) => {
      const channel = world.channels.get(id);
      return channel ? [presentChannel(channel, viewerId)] : [];
    }),
  ];
  return { users, chats };
}
