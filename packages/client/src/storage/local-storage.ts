import { decodeSession, encodeSession } from './codec.js';
import { SessionStorageError } from './errors.js';
import type { SessionData } from './session-data.js';
import type { SessionStorage } from './storage.js';

/** The part of the Web Storage API this adapter needs (window.localStorage fits). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Browser session storage in `localStorage` under the key `x-mtproto:<name>`. A single setItem is
 * atomic for the page, which is what the file storage's temp+rename gives on disk.
 */
export class LocalStorageSessionStorage implements SessionStorage {
  readonly description: string;
  private readonly key: string;
  private readonly store: WebStorageLike;
  private refused: SessionStorageError | undefined;

  constructor(name: string, store?: WebStorageLike) {
    const found = store ?? (globalThis as { localStorage?: WebStorageLike }).localStorage;
    if (!found) throw new SessionStorageError('SESSION_IO', `localStorage ${name}`, 'localStorage is not available here');
    this.store = found;
    this.key = `x-mtproto:${name}`;
    this.description = `localStorage ${this.key}`;
  }

  async load(): Promise<SessionData | undefined> {
    const text = this.store.getItem(this.key);
    if (text === null) return undefined;
    try {
      return decodeSession(text, this.description);
    } catch (error) {
      // Never overwrite what we could not read.
      this.refused = error as SessionStorageError;
      throw error;
    }
  }

  async save(session: SessionData): Promise<void> {
    if (this.refused) throw this.refused;
    try {
      this.store.setItem(this.key, encodeSession(session));
    } catch (cause) {
      throw new SessionStorageError('SESSION_IO', this.description, 'could not write (storage full or disabled?)', { cause });
    }
  }

  async clear(): Promise<void> {
    if (this.refused) throw this.refused;
    this.store.removeItem(this.key);
  }
}

/** True where a usable `localStorage` exists (browsers; not Node, not workers). */
export function hasLocalStorage(): boolean {
  try {
    const store = (globalThis as { localStorage?: WebStorageLike }).localStorage;
    return typeof store?.getItem === 'function';
  } catch {
    return false; // access can throw in sandboxed iframes
  }
}
