// The main entry must run in browsers: no Node built-ins, no Buffer, no bare `process` in any
// file it can reach (files named *.node.ts are the Node entry's own).
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../src/index.js';
import { LocalStorageSessionStorage } from '../src/storage/local-storage.js';
import { MemorySessionStorage } from '../src/storage/memory.js';
import type { SessionStorage } from '../src/storage/storage.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

async function browserFiles(dir = srcDir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await browserFiles(path)));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.node.ts')) out.push(path);
  }
  return out;
}

describe('browser safety', () => {
  it('no browser-reachable file imports Node built-ins or uses Buffer / process directly', async () => {
    const files = await browserFiles();
    expect(files.length).toBeGreaterThan(20);
    const offences: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      if (/from\s+['"](node:|fs|net|tls|path|os|crypto|http|https|events)['"/]/.test(code)) offences.push(`${relative(srcDir, file)}: Node built-in import`);
      if (/\bBuffer\b/.test(code)) offences.push(`${relative(srcDir, file)}: Buffer`);
      if (/(^|[^.\w])process\./m.test(code)) offences.push(`${relative(srcDir, file)}: process`);
      if (/from\s+['"][^'"]*\.node\.js['"]/.test(code)) offences.push(`${relative(srcDir, file)}: imports a .node file`);
    }
    expect(offences).toEqual([]);
  });
});

/** Exposes the storage choice of the browser entry's Client. */
class ProbeClient extends Client {
  storageFor(name: string | undefined): SessionStorage {
    return this.defaultStorage(name);
  }
}

describe('default session storage in browsers', () => {
  const globals = globalThis as { localStorage?: unknown };
  afterEach(() => {
    delete globals.localStorage;
  });

  it('uses localStorage when there is one and a sessionName is given', () => {
    const data = new Map<string, string>();
    globals.localStorage = { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => data.set(k, v), removeItem: (k: string) => data.delete(k) };
    const client = new ProbeClient(1, 'hash');
    const storage = client.storageFor('web-bot');
    expect(storage).toBeInstanceOf(LocalStorageSessionStorage);
    expect(storage.description).toBe('localStorage x-mtproto:web-bot');
    expect(client.storageFor(undefined)).toBeInstanceOf(MemorySessionStorage);
  });

  it('falls back to memory without localStorage', () => {
    expect(new ProbeClient(1, 'hash').storageFor('web-bot')).toBeInstanceOf(MemorySessionStorage);
  });
});

describe('Client constructor checks', () => {
  it('rejects bad apiId, apiHash and bot tokens with clear errors', () => {
    expect(() => new Client(0, 'hash')).toThrow(/apiId/);
    expect(() => new Client(1, '')).toThrow(/apiHash/);
    expect(() => new Client(1, 'hash', { botToken: 'not a token' })).toThrow(/botToken/);
  });

  it('refuses calls before connect() and after stop()', async () => {
    const client = new Client(1, 'hash');
    await expect(client.invoke({ _: 'help.getConfig' })).rejects.toMatchObject({ code: 'CLIENT_STATE' });
    await client.stop();
    await expect(client.connect()).rejects.toMatchObject({ code: 'CLIENT_STATE' });
    await client.idle(); // resolves at once: already stopped
  });
});
