/** The in-memory world's records (plain data; `present.ts` turns them into TL objects). */

export interface WorldUser {
  id: number;
  accessHash: bigint;
  firstName: string;
  lastName?: string;
  username?: string;
  phone?: string;
  bot: boolean;
  /** The SECRET half of a bot token (bots only). */
  botSecret?: string;
  /** The DC the account lives on: logins elsewhere get USER_MIGRATE_X. */
  homeDc: number;
  /** The user's message box: private chats and basic groups share ids and pts (as on Telegram). */
  box: MessageBox;
}

export interface MessageBox {
  pts: number;
  nextId: number;
  messages: Map<number, StoredMessage>;
  /** Sent messages by random_id, so a resent request does not post twice. */
  sentByRandomId: Map<bigint, SentRecord>;
}

export interface SentRecord {
  /** The message id in the sender's box or channel. */
  id: number;
  pts: number;
  date: number;
}

export type PeerRef = { kind: 'user'; id: number } | { kind: 'chat'; id: number } | { kind: 'channel'; id: number };

export interface StoredMessage {
  id: number;
  /** The chat it belongs to, as the box owner sees it. */
  peer: PeerRef;
  /** Who wrote it, as shown in `from_id` (a broadcast channel post shows none). */
  fromId?: number;
  /** Who actually sent it (also for channel posts). */
  authorId: number;
  out: boolean;
  date: number;
  text: string;
  pts: number;
  documentId?: bigint;
}

export interface WorldChat {
  id: number;
  title: string;
  creatorId: number;
  members: Set<number>;
  date: number;
  version: number;
}

export interface WorldChannel {
  id: number;
  accessHash: bigint;
  title: string;
  username?: string;
  /** Broadcast channel (only admins post) or megagroup. */
  broadcast: boolean;
  creatorId: number;
  admins: Set<number>;
  members: Set<number>;
  date: number;
  pts: number;
  nextId: number;
  messages: Map<number, StoredMessage>;
  sentByRandomId: Map<string, SentRecord>;
}

export interface WorldDocument {
  id: bigint;
  accessHash: bigint;
  fileReference: Uint8Array;
  dcId: number;
  date: number;
  mimeType: string;
  fileName: string;
  bytes: Uint8Array;
}

export function newBox(): MessageBox {
  return { pts: 1, nextId: 1, messages: new Map(), sentByRandomId: new Map() };
}
