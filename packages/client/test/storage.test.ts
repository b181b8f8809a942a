import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSession, encodeSession, SESSION_FORMAT } from '../src/storage/codec.js';
import { SessionStorageError } from '../src/storage/errors.js';
import { FileSessionStorage } from '../src/storage/file.node.js';
import { LocalStorageSessionStorage, type WebStorageLike } from '../src/storage/local-storage.js';
import { MemorySessionStorage } from '../src/storage/memory.js';
import { emptySession, type SessionData } from '../src/storage/session-data.js';

function sample(): SessionData {
  const session = emptySession(false);
  const authKey = new Uint8Array(256).map((_, i) => (i * 7 + 3) & 0xff);
  session.homeDcId = 4;
  session.transport = 'websocket';
  session.dcs.set(4, { authKey, authKeyId: -1234567890123456789n, serverSalt: 0x7fffffffffffffffn, timeOffset: -3, authorized: true });
  session.dcs.set(2, { authKey: authKey.slice().reverse(), authKeyId: 42n, serverSalt: -1n, timeOffset: 0, authorized: false });
  session.self = { id: 123456n, bot: true, username: 'example_bot', firstName: 'Example' };
  session.updates = { pts: 10, qts: 2, seq: 7, date: 1_700_000_000, channels: { '777': 55 } };
  session.peers = [{ type: 'user', id: 5n, accessHash: -99n, username: 'alice', updatedAt: 1_700_000_000 }];
  session.registry = { learned: [1, 2, 3] };
  return session;
}

function expectStorageError(promiseOrFn: () => unknown, code: string) {
  try {
    promiseOrFn();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionStorageError);
    expect((error as SessionStorageError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('session codec', () => {
  it('round-trips every field, bigints and bytes included', () => {
    const session = sample();
    expect(decodeSession(encodeSession(session), 'test')).toEqual(session);
  });

  it('writes a versioned, self-describing document', () => {
    const document = JSON.parse(encodeSession(sample())) as Record<string, unknown>;
    expect(document['format']).toBe(SESSION_FORMAT);
    expect(document['version']).toBe(1);
  });

  it('refuses foreign files', () => {
    expectStorageError(() => decodeSession('SQLite format 3\0...', 'x'), 'SESSION_FOREIGN');
    expectStorageError(() => decodeSession('{"dc_id": 2, "auth_key": "abc"}', 'x'), 'SESSION_FOREIGN');
    expectStorageError(() => decodeSession('[1,2,3]', 'x'), 'SESSION_FOREIGN');
  });

  it('refuses damaged files of our format', () => {
    const text = encodeSession(sample());
    expectStorageError(() => decodeSession(text.slice(0, text.length / 2), 'x'), 'SESSION_CORRUPT');
    const document = JSON.parse(text) as { dcs: Record<string, { authKey: string }> };
    document.dcs['4']!.authKey = 'AAAA';
    expectStorageError(() => decodeSession(JSON.stringify(document), 'x'), 'SESSION_CORRUPT');
    const noVersion = JSON.parse(text) as Record<string, unknown>;
    delete noVersion['version'];
    expectStorageError(() => decodeSession(JSON.stringify(noVersion), 'x'), 'SESSION_CORRUPT');
    const badId = JSON.parse(text) as { self: { id: string } };
    badId.self.id = '12x';
    expectStorageError(() => decodeSession(JSON.stringify(badId), 'x'), 'SESSION_CORRUPT');
  });

  it('refuses a newer format version', () => {
    const document = JSON.parse(encodeSession(sample())) as Record<string, unknown>;
    document['version'] = 99;
    expectStorageError(() => decodeSession(JSON.stringify(document), 'x'), 'SESSION_VERSION');
  });

  it('names the location in the error', () => {
    try {
      decodeSession('nope', '/tmp/bot.session.json');
    } catch (error) {
      expect((error as Error).message).toContain('/tmp/bot.session.json');
    }
  });
});

describe('MemorySessionStorage', () => {
  it('starts empty, saves, loads copies, clears', async () => {
    const storage = new MemorySessionStorage();
    expect(await storage.load()).toBeUndefined();
    const session = sample();
    await storage.save(session);
    const loaded = await storage.load();
    expect(loaded).toEqual(session);
    loaded!.homeDcId = 1;
    expect((await storage.load())!.homeDcId).toBe(4);
    await storage.clear();
    expect(await storage.load()).toBeUndefined();
  });
});

describe('LocalStorageSessionStorage', () => {
  function fakeStore(): WebStorageLike & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
  }

  it('keeps the session under x-mtproto:<name>', async () => {
    const store = fakeStore();
    const storage = new LocalStorageSessionStorage('bot', store);
    expect(await storage.load()).toBeUndefined();
    await storage.save(sample());
    expect([...store.data.keys()]).toEqual(['x-mtproto:bot']);
    expect(await storage.load()).toEqual(sample());
  });

  it('never overwrites an entry it could not read', async () => {
    const store = fakeStore();
    store.data.set('x-mtproto:bot', 'someone else');
    const storage = new LocalStorageSessionStorage('bot', store);
    await expect(storage.load()).rejects.toMatchObject({ code: 'SESSION_FOREIGN' });
    await expect(storage.save(sample())).rejects.toMatchObject({ code: 'SESSION_FOREIGN' });
    expect(store.data.get('x-mtproto:bot')).toBe('someone else');
  });

  it('explains when there is no localStorage', () => {
    expect(() => new LocalStorageSessionStorage('bot')).toThrow(/localStorage is not available/);
  });
});

describe('FileSessionStorage', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'x-client-storage-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names files after the session name in the given directory', () => {
    expect(FileSessionStorage.fromName('bot', dir).path).toBe(join(dir, 'bot.session.json'));
    expect(FileSessionStorage.fromName('custom.json', dir).path).toBe(join(dir, 'custom.json'));
  });

  it('loads nothing when there is no file, then saves with mode 0600 and loads it back', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    expect(await storage.load()).toBeUndefined();
    await storage.save(sample());
    const info = await stat(storage.path);
    expect(info.mode & 0o777).toBe(0o600);
    expect(await new FileSessionStorage(storage.path).load()).toEqual(sample());
  });

  it('writes through a temp file and leaves no temp files behind', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    await Promise.all([storage.save(sample()), storage.save({ ...sample(), homeDcId: 1 }), storage.save({ ...sample(), homeDcId: 5 })]);
    expect(await readdir(dir)).toEqual(['bot.session.json']);
    expect((await storage.load())!.homeDcId).toBe(5);
  });

  it('tightens the mode of a session file that was world-readable', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    await writeFile(storage.path, encodeSession(sample()), { mode: 0o644 });
    await storage.load();
    await storage.save({ ...sample(), homeDcId: 1 });
    expect((await stat(storage.path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt file with a clear error and never overwrites it', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    const damaged = encodeSession(sample()).slice(0, 100);
    await writeFile(storage.path, damaged);
    await expect(storage.load()).rejects.toMatchObject({ code: 'SESSION_CORRUPT', message: expect.stringContaining(storage.path) });
    await expect(storage.save(sample())).rejects.toMatchObject({ code: 'SESSION_CORRUPT' });
    await expect(storage.clear()).rejects.toMatchObject({ code: 'SESSION_CORRUPT' });
    expect(await readFile(storage.path, 'utf8')).toBe(damaged);
  });

  it('refuses a foreign file and never overwrites it', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    await writeFile(storage.path, 'SQLite format 3\u0000');
    await expect(storage.load()).rejects.toMatchObject({ code: 'SESSION_FOREIGN' });
    await expect(storage.save(sample())).rejects.toBeInstanceOf(SessionStorageError);
    expect(await readFile(storage.path, 'utf8')).toBe('SQLite format 3\u0000');
  });

  it('does not overwrite a file replaced by something foreign after it was loaded', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    await storage.save(sample());
    await writeFile(storage.path, '{"not":"ours"}');
    await expect(storage.save(sample())).rejects.toMatchObject({ code: 'SESSION_FOREIGN' });
    expect(await readFile(storage.path, 'utf8')).toBe('{"not":"ours"}');
  });

  it('clear() removes the file', async () => {
    const storage = FileSessionStorage.fromName('bot', dir);
    await storage.save(sample());
    await storage.clear();
    expect(await readdir(dir)).toEqual([]);
    expect(await storage.load()).toBeUndefined();
  });

  it('reports I/O failures as SESSION_IO', async () => {
    const storage = new FileSessionStorage(join(dir, 'missing-dir', 'bot.session.json'));
    await expect(storage.save(sample())).rejects.toMatchObject({ code: 'SESSION_IO' });
  });
});
