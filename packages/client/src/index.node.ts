// @x/client, Node entry: everything from the browser-safe entry, plus file sessions
// (`sessionName` -> `<cwd>/<name>.session.json`) and PEM files given by path in `dcs`.
import { readFile } from 'node:fs/promises';
import { Client as BaseClient } from './client.js';
import { FileSessionStorage } from './storage/file.node.js';
import { MemorySessionStorage } from './storage/memory.js';
import type { SessionStorage } from './storage/storage.js';

export * from './index.js';
export { FileSessionStorage, SESSION_FILE_SUFFIX } from './storage/file.node.js';
export { loadDcsOverride } from './dc/load.node.js';

export class Client extends BaseClient {
  protected override defaultStorage(sessionName: string | undefined): SessionStorage {
    return sessionName ? FileSessionStorage.fromName(sessionName) : new MemorySessionStorage();
  }

  protected override async readTextFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
}
