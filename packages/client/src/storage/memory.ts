import { decodeSession, encodeSession } from './codec.js';
import type { SessionData } from './session-data.js';
import type { SessionStorage } from './storage.js';

/**
 * Keeps the session in memory only (lost when the process ends). Stores the encoded form, so what
 * is loaded never aliases what the client keeps mutating, and the format is exercised everywhere.
 */
export class MemorySessionStorage implements SessionStorage {
  readonly description = 'memory';
  private text: string | undefined;

  constructor(initial?: SessionData) {
    if (initial) this.text = encodeSession(initial);
  }

  async load(): Promise<SessionData | undefined> {
    return this.text === undefined ? undefined : decodeSession(this.text, this.description);
  }

  async save(session: SessionData): Promise<void> {
    this.text = encodeSession(session);
  }

  async clear(): Promise<void> {
    this.text = undefined;
  }
}
