import type { SessionData } from './session-data.js';

/**
 * A place to keep one session. Implement this to store sessions anywhere (a database, a secret
 * manager...). `load` returns undefined when there is nothing stored yet and throws
 * SessionStorageError when what is stored cannot be used; `save` must be atomic.
 */
export interface SessionStorage {
  /** A short description for logs and errors, e.g. `file ./bot.session.json`. */
  readonly description: string;
  load(): Promise<SessionData | undefined>;
  save(session: SessionData): Promise<void>;
  /** Removes the stored session (after logOut). */
  clear(): Promise<void>;
}
