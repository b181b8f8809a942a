/**
 * Session storage in a JSON file (Node only). Writes are atomic (a 0600 temp file in the same
 * directory, fsync, rename over the old file), so a crash leaves either the old or the new session.
 * A file that is not ours, is damaged, or has a newer format is never overwritten.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeSession, encodeSession } from './codec.js';
import { SessionStorageError } from './errors.js';
import type { SessionData } from './session-data.js';
import type { SessionStorage } from './storage.js';

export const SESSION_FILE_SUFFIX = '.session.json';

export class FileSessionStorage implements SessionStorage {
  readonly path: string;
  readonly description: string;
  /** Set when the file on disk could not be read: from then on nothing is written over it. */
  private refused: SessionStorageError | undefined;
  /** What we last wrote or read, to skip re-validating the file on every save. */
  private lastText: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.path = resolve(path);
    this.description = `session file ${this.path}`;
  }

  /** `name` -> `<cwd>/<name>.session.json` (a name that already ends in .json is used as a path). */
  static fromName(name: string, directory = process.cwd()): FileSessionStorage {
    const file = name.endsWith('.json') ? name : `${name}${SESSION_FILE_SUFFIX}`;
    return new FileSessionStorage(resolve(directory, file));
  }

  load(): Promise<SessionData | undefined> {
    return this.serialise(async () => {
      const text = await this.readExisting();
      if (text === undefined) return undefined;
      const session = this.decodeOrRefuse(text);
      this.lastText = text;
      return session;
    });
  }

  save(session: SessionData): Promise<void> {
    return this.serialise(async () => {
      if (this.refused) throw this.refused;
      await this.checkStillOurs();
      const text = encodeSession(session);
      if (text === this.lastText) return;
      await this.writeAtomically(text);
      this.lastText = text;
    });
  }

  clear(): Promise<void> {
    return this.serialise(async () => {
      if (this.refused) throw this.refused;
      await this.checkStillOurs();
      try {
        await unlink(this.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.io('could not delete', error);
      }
      this.lastText = undefined;
    });
  }

  /** The file may have been replaced by someone else since we read it: check before overwriting. */
  private async checkStillOurs(): Promise<void> {
    const text = await this.readExisting();
    if (text === undefined || text === this.lastText) return;
    this.decodeOrRefuse(text);
  }

  private decodeOrRefuse(text: string): SessionData {
    try {
      return decodeSession(text, this.description);
    } catch (error) {
      this.refused = error as SessionStorageError;
      throw error;
    }
  }

  private async readExisting(): Promise<string | undefined> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.io('could not read', error);
    }
  }

  private async writeAtomically(text: string): Promise<void> {
    const temp = join(dirname(this.path), `.${basename(this.path)}.${randomBytes(6).toString('hex')}.tmp`);
    let handle;
    try {
      // 'wx': never follow or reuse an existing file; 0600: the file holds auth keys.
      handle = await open(temp, 'wx', 0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, this.path);
    } catch (error) {
      await handle?.close().catch(() => {});
      await unlink(temp).catch(() => {});
      throw this.io('could not write', error);
    }
  }

  private io(what: string, cause: unknown): SessionStorageError {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    return new SessionStorageError('SESSION_IO', this.description, `${what} (${code})`, { cause });
  }

  private serialise<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }
}
