/**
 * The in-memory world shared by every DC: seeded users (@alice, @bob), a basic group and a
 * channel; bots are created on first login from any `DIGITS:SECRET` token. Sending a message
 * writes it into every affected box and reports one delivery per recipient so the server can push
 * updates to their sessions.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from '../crypto/node-crypto.js';
import { readInt64 } from '../util/bytes.js';
import { newBox, type PeerRef, type StoredMessage, type WorldChannel, type WorldChat, type WorldDocument, type WorldUser } from './entities.js';

export const ALICE_ID = 777000101;
export const BOB_ID = 777000102;
export const GROUP_ID = 4000001;
export const CHANNEL_ID = 1500000001;

/** A message landing in a box: pushed to that user's sessions. */
export interface Delivery {
  /** The box owner (recipient, or the sender's own other sessions). */
  userId: number;
  message: StoredMessage;
  /** Set for channel posts: the channel's pts moved instead of the user's. */
  channelId?: number;
  /** The sender: its own session that sent the request is not pushed to. */
  senderId: number;
}

export type SendOutcome =
  | { ok: true; message: StoredMessage; pts: number; duplicate: boolean; channelId?: number }
  | { ok: false; code: number; error: string };

export type BotLogin =
  | { ok: true; user: WorldUser; created: boolean }
  | { ok: false; code: number; error: string };

export class World {
  readonly dcIds: number[];
  readonly users = new Map<number, WorldUser>();
  readonly chats = new Map<number, WorldChat>();
  readonly channels = new Map<number, WorldChannel>();
  readonly documents = new Map<bigint, WorldDocument>();
  /** Uploaded parts per (user, file_id). */
  readonly uploads = new Map<string, Map<number, Uint8Array>>();
  private readonly emitter = new EventEmitter();
  /** Server clock in seconds (skewed per connection elsewhere). */
  now: () => number = () => Math.floor(Date.now() / 1000);

  constructor(dcIds: number[]) {
    this.dcIds = dcIds;
    this.seed();
  }

  private seed(): void {
    const date = this.now();
    const home = (n: number) => this.dcIds[n % this.dcIds.length];
    this.addUser({ id: ALICE_ID, firstName: 'Alice', lastName: 'Tester', username: 'alice', phone: '99966' + '10001', bot: false, homeDc: home(1) });
    this.addUser({ id: BOB_ID, firstName: 'Bob', username: 'bob', phone: '99966' + '10002', bot: false, homeDc: home(2) });
    this.chats.set(GROUP_ID, {
      id: GROUP_ID,
      title: 'Test Group',
      creatorId: ALICE_ID,
      members: new Set([ALICE_ID, BOB_ID]),
      date,
      version: 1,
    });
    this.channels.set(CHANNEL_ID, {
      id: CHANNEL_ID,
      accessHash: randomLong(),
      title: 'Test Channel',
      username: 'testchannel',
      broadcast: true,
      creatorId: ALICE_ID,
      admins: new Set([ALICE_ID]),
      members: new Set([ALICE_ID, BOB_ID]),
      date,
      pts: 1,
      nextId: 1,
      messages: new Map(),
      sentByRandomId: new Map(),
    });
    // A file to download, living on the second DC so that FILE_MIGRATE_X is exercised.
    const bytes = new Uint8Array(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    const document: WorldDocument = {
      id: randomLong(),
      accessHash: randomLong(),
      fileReference: randomBytes(16),
      dcId: home(1),
      date,
      mimeType: 'application/octet-stream',
      fileName: 'sample.bin',
      bytes,
    };
    this.documents.set(document.id, document);
    this.postToChannel(ALICE_ID, CHANNEL_ID, 'Welcome to the test channel', undefined, document.id);
  }

  private addUser(init: Omit<WorldUser, 'accessHash' | 'box'>): WorldUser {
    const user: WorldUser = { ...init, accessHash: randomLong(), box: newBox() };
    this.users.set(user.id, user);
    return user;
  }

  /** The home DC of a bot: derived from its id so that logins on other DCs migrate. */
  botHomeDc(botId: number): number {
    return this.dcIds[botId % this.dcIds.length];
  }

  /**
   * auth.importBotAuthorization: `DIGITS:SECRET`. The first login creates the bot; later logins
   * must repeat the same secret. On a DC other than the home DC the answer is USER_MIGRATE_X.
   */
  loginBot(token: string, dcId: number): BotLogin | { ok: false; migrateTo: number } {
    const match = /^(\d{1,15}):([A-Za-z0-9_-]{1,128})$/.exec(token);
    if (!match) return { ok: false, code: 400, error: 'ACCESS_TOKEN_INVALID' };
    const id = Number(match[1]);
    const secret = match[2];
    if (!Number.isSafeInteger(id) || id <= 0) return { ok: false, code: 400, error: 'ACCESS_TOKEN_INVALID' };
    const existing = this.users.get(id);
    if (existing !== undefined && (!existing.bot || existing.botSecret !== secret)) {
      return { ok: false, code: 400, error: 'ACCESS_TOKEN_INVALID' };
    }
    const homeDc = existing?.homeDc ?? this.botHomeDc(id);
    if (homeDc !== dcId) return { ok: false, migrateTo: homeDc };
    if (existing !== undefined) return { ok: true, user: existing, created: false };
    const user = this.addUser({
      id,
      firstName: `Test Bot ${id}`,
      username: `bot${id}_bot`,
      bot: true,
      botSecret: secret,
      homeDc,
    });
    // Bots join the seeded group and administer the channel, so they can write to both.
    this.chats.get(GROUP_ID)?.members.add(id);
    const channel = this.channels.get(CHANNEL_ID);
    channel?.members.add(id);
    channel?.admins.add(id);
    return { ok: true, user, created: true };
  }

  userByUsername(username: string): WorldUser | undefined {
    const wanted = username.toLowerCase();
    for (const user of this.users.values()) if (user.username?.toLowerCase() === wanted) return user;
    return undefined;
  }

  channelByUsername(username: string): WorldChannel | undefined {
    const wanted = username.toLowerCase();
    for (const channel of this.channels.values()) if (channel.username?.toLowerCase() === wanted) return channel;
    return undefined;
  }

  /** messages.sendMessage from `fromId` to `peer`. `randomId` makes repeats idempotent. */
  sendMessage(fromId: number, peer: PeerRef, text: string, randomId: bigint | undefined, documentId?: bigint): SendOutcome {
    const sender = this.users.get(fromId);
    if (sender === undefined) return { ok: false, code: 401, error: 'AUTH_KEY_UNREGISTERED' };
    if (text.length === 0 && documentId === undefined) return { ok: false, code: 400, error: 'MESSAGE_EMPTY' };
    if (text.length > 4096) return { ok: false, code: 400, error: 'MESSAGE_TOO_LONG' };
    if (peer.kind === 'channel') return this.postToChannel(fromId, peer.id, text, randomId, documentId);

    const previous = randomId !== undefined ? sender.box.sentByRandomId.get(randomId) : undefined;
    if (previous !== undefined) {
      const message = sender.box.messages.get(previous.id);
      if (message !== undefined) return { ok: true, message, pts: previous.pts, duplicate: true };
    }
    let recipients: number[];
    if (peer.kind === 'user') {
      const target = this.users.get(peer.id);
      if (target === undefined) return { ok: false, code: 400, error: 'PEER_ID_INVALID' };
      if (sender.bot && target.bot) return { ok: false, code: 400, error: 'USER_IS_BOT' };
      recipients = peer.id === fromId ? [] : [peer.id];
    } else {
      const chat = this.chats.get(peer.id);
      if (chat === undefined) return { ok: false, code: 400, error: 'PEER_ID_INVALID' };
      if (!chat.members.has(fromId)) return { ok: false, code: 403, error: 'CHAT_WRITE_FORBIDDEN' };
      recipients = [...chat.members].filter((id) => id !== fromId);
    }

    const date = this.now();
    const own = this.store(sender, { peer, fromId, authorId: fromId, out: true, date, text, documentId });
    if (randomId !== undefined) sender.box.sentByRandomId.set(randomId, { id: own.id, pts: own.pts, date });
    this.deliver({ userId: fromId, message: own, senderId: fromId });
    for (const recipientId of recipients) {
      const recipient = this.users.get(recipientId);
      if (recipient === undefined) continue;
      const seenPeer: PeerRef = peer.kind === 'user' ? { kind: 'user', id: fromId } : peer;
      const copy = this.store(recipient, { peer: seenPeer, fromId, authorId: fromId, out: false, date, text, documentId });
      this.deliver({ userId: recipientId, message: copy, senderId: fromId });
    }
    return { ok: true, message: own, pts: own.pts, duplicate: false };
  }

  private postToChannel(fromId: number, channelId: number, text: string, randomId: bigint | undefined, documentId?: bigint): SendOutcome {
    const channel = this.channels.get(channelId);
    if (channel === undefined) return { ok: false, code: 400, error: 'CHANNEL_INVALID' };
    if (!channel.members.has(fromId)) return { ok: false, code: 403, error: 'CHANNEL_PRIVATE' };
    if (channel.broadcast && !channel.admins.has(fromId)) return { ok: false, code: 403, error: 'CHAT_WRITE_FORBIDDEN' };
    const key = randomId !== undefined ? `${fromId}:${randomId}` : undefined;
    const previous = key !== undefined ? channel.sentByRandomId.get(key) : undefined;
    if (previous !== undefined) {
      const message = channel.messages.get(previous.id);
      if (message !== undefined) return { ok: true, message, pts: previous.pts, duplicate: true, channelId };
    }
    channel.pts += 1;
    const message: StoredMessage = {
      id: channel.nextId++,
      peer: { kind: 'channel', id: channelId },
      ...(channel.broadcast ? {} : { fromId }),
      authorId: fromId,
      out: false,
      date: this.now(),
      text,
      pts: channel.pts,
      ...(documentId !== undefined ? { documentId } : {}),
    };
    channel.messages.set(message.id, message);
    if (key !== undefined) channel.sentByRandomId.set(key, { id: message.id, pts: message.pts, date: message.date });
    for (const memberId of channel.members) this.deliver({ userId: memberId, message, channelId, senderId: fromId });
    return { ok: true, message, pts: message.pts, duplicate: false, channelId };
  }

  private store(owner: WorldUser, fields: Omit<StoredMessage, 'id' | 'pts'>): StoredMessage {
    owner.box.pts += 1;
    const message: StoredMessage = { ...fields, id: owner.box.nextId++, pts: owner.box.pts };
    if (message.documentId === undefined) delete message.documentId;
    owner.box.messages.set(message.id, message);
    return message;
  }

  private deliver(delivery: Delivery): void {
    this.emitter.emit('delivery', delivery);
  }

  onDelivery(listener: (delivery: Delivery) => void): () => void {
    this.emitter.on('delivery', listener);
    return () => this.emitter.off('delivery', listener);
  }

  /** Messages of a box with pts above `pts` (updates.getDifference). */
  boxMessagesSince(userId: number, pts: number): StoredMessage[] {
    const user = this.users.get(userId);
    if (user === undefined) return [];
    return [...user.box.messages.values()].filter((message) => message.pts > pts).sort((a, b) => a.pts - b.pts);
  }

  /** upload.saveFilePart / saveBigFilePart. */
  savePart(userId: number, fileId: bigint, part: number, bytes: Uint8Array): void {
    const key = `${userId}:${fileId}`;
    let parts = this.uploads.get(key);
    if (parts === undefined) {
      parts = new Map();
      this.uploads.set(key, parts);
    }
    parts.set(part, bytes.slice());
  }

  /** Turns uploaded parts into a document (messages.sendMedia); undefined when parts are missing. */
  documentFromUpload(userId: number, fileId: bigint, parts: number, fileName: string, mimeType: string, dcId: number): WorldDocument | { missingPart: number } {
    const stored = this.uploads.get(`${userId}:${fileId}`);
    const chunks: Uint8Array[] = [];
    for (let part = 0; part < parts; part++) {
      const chunk = stored?.get(part);
      if (chunk === undefined) return { missingPart: part };
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    const document: WorldDocument = {
      id: randomLong(),
      accessHash: randomLong(),
      fileReference: randomBytes(16),
      dcId,
      date: this.now(),
      mimeType,
      fileName,
      bytes,
    };
    this.documents.set(document.id, document);
    this.uploads.delete(`${userId}:${fileId}`);
    return document;
  }
}

export function randomLong(): bigint {
  const value = readInt64(randomBytes(8), 0);
  return value === 0n ? 1n : value;
}
