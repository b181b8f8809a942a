/**
 * Access hashes and usernames learned from every answer and update, so a chat named once can be
 * addressed again without another lookup (and survives restarts through the session).
 */
import type { StoredPeer } from '../storage/session-data.js';
import { peerCacheKey, type PeerKey, type PeerType } from './marked-id.js';

/** The fields of TL `User` / `Chat` objects the cache reads. */
export interface EntityLike {
  readonly _: string;
  readonly id: bigint;
  readonly accessHash?: bigint;
  readonly username?: string;
  readonly min?: boolean;
}

const MAX_PEERS = 10_000;
const MAX_USER_OBJECTS = 2_000;
/** Username -> id answers older than this are looked up again (usernames can change hands). */
const USERNAME_TTL_SECONDS = 24 * 3600;

export class PeerCache {
  private readonly peers = new Map<string, StoredPeer>();
  private readonly usernames = new Map<string, StoredPeer>();
  /** The latest full user objects seen (names, flags), for messages whose update carried none. */
  private readonly userObjects = new Map<bigint, EntityLike>();
  private changed = false;

  constructor(initial: readonly StoredPeer[] = []) {
    for (const peer of initial) this.put(peer);
    this.changed = false;
  }

  /** True when something was learned since the last `export()`. */
  get dirty(): boolean {
    return this.changed;
  }

  /** Learns from the `users` and `chats` vectors found in answers and updates. */
  addEntities(users: readonly EntityLike[] | undefined, chats: readonly EntityLike[] | undefined, now = nowSeconds()): void {
    for (const user of users ?? []) {
      if (user._ !== 'user') continue;
      this.learn('user', user, now);
      if (!user.min || !this.userObjects.has(user.id)) this.rememberUser(user);
    }
    for (const chat of chats ?? []) {
      if (chat._ === 'chat' || chat._ === 'chatForbidden') this.learn('chat', { ...chat, accessHash: 0n }, now);
      else if (chat._ === 'channel' || chat._ === 'channelForbidden') this.learn('channel', chat, now);
    }
  }

  get(peer: PeerKey): StoredPeer | undefined {
    return this.peers.get(peerCacheKey(peer));
  }

  /** The latest full `user` object seen for `id` (memory only). */
  user(id: bigint): EntityLike | undefined {
    return this.userObjects.get(id);
  }

  private rememberUser(user: EntityLike): void {
    this.userObjects.delete(user.id);
    this.userObjects.set(user.id, user);
    if (this.userObjects.size > MAX_USER_OBJECTS) this.userObjects.delete(this.userObjects.keys().next().value as bigint);
  }

  /** A fresh username -> peer answer, or undefined. */
  byUsername(username: string, now = nowSeconds()): StoredPeer | undefined {
    const peer = this.usernames.get(username.toLowerCase());
    if (!peer || now - peer.updatedAt > USERNAME_TTL_SECONDS) return undefined;
    return peer;
  }

  export(): StoredPeer[] {
    this.changed = false;
    return [...this.peers.values()];
  }

  private learn(type: PeerType, entity: EntityLike, now: number): void {
    // "min" objects carry an access hash that is not valid for us: keep what we have.
    if (entity.min) {
      const known = this.get({ type, id: entity.id });
      if (known && entity.username && known.username !== entity.username) {
        this.put({ ...known, username: entity.username, updatedAt: now });
      }
      return;
    }
    if (entity.accessHash === undefined && type !== 'chat') return;
    const next: StoredPeer = { type, id: entity.id, accessHash: entity.accessHash ?? 0n, updatedAt: now };
    if (entity.username) next.username = entity.username;
    const known = this.get(next);
    if (known && known.accessHash === next.accessHash && known.username === next.username) {
      known.updatedAt = now;
      return;
    }
    this.put(next);
  }

  private put(peer: StoredPeer): void {
    const key = peerCacheKey(peer);
    const previous = this.peers.get(key);
    if (previous?.username) this.usernames.delete(previous.username.toLowerCase());
    this.peers.delete(key);
    this.peers.set(key, peer); // re-insert: Map order is our LRU order
    if (peer.username) this.usernames.set(peer.username.toLowerCase(), peer);
    this.changed = true;
    if (this.peers.size > MAX_PEERS) {
      const oldest = this.peers.keys().next().value as string;
      const evicted = this.peers.get(oldest);
      this.peers.delete(oldest);
      if (evicted?.username) this.usernames.delete(evicted.username.toLowerCase());
    }
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
