import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { ALICE_ID } from '@x/test-dc';
import { FileSessionStorage, SessionStorageError, type Logger } from '../../src/index.node.js';
import { API_HASH, BOT_HOME_DC, BOT_ID, BOT_TOKEN, KINDS, connectionsSince, lastConnectionId, newClient, startDc, transportFor, until } from './helpers.js';

/** A logger that keeps every line (at debug level), to count handshakes and look for secrets. */
function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (level: string) => (message: string, data?: object) =>
    void lines.push(`${level} ${message} ${JSON.stringify(data ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return { logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }, lines };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.each(KINDS)('session reuse over %s', (kind) => {
  let dc: TestDc;
  let dir: string;
  beforeAll(async () => {
    dc = await startDc();
    dir = await mkdtemp(join(tmpdir(), 'x-client-e2e-'));
  });
  afterAll(async () => {
    await dc.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a second start reuses the key and login (no auth-key exchange) and gets what arrived while it was down', async () => {
    const storage = new FileSessionStorage(join(dir, `bot-${kind}.session.json`));
    const first = recordingLogger();
    const a = newClient(dc, { ...transportFor(kind), storage, logger: first.logger, logLevel: 'debug' });
    await a.connect();
    const keyId = dc.control.connections(BOT_HOME_DC).find((c) => c.userId === BOT_ID)?.authKeyId;
    await a.sendMessage('@alice', 'first run');
    await a.stop();
    expect(first.lines.filter((line) => line.includes('new auth key created')).length).toBe(2); // DC 2, then the home DC
    expect((await stat(storage.path)).mode & 0o777).toBe(0o600);

    // Written while the bot is down.
    dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text: 'while you were away' });

    const second = recordingLogger();
    const since = lastConnectionId(dc);
    const b = newClient(dc, { ...transportFor(kind), storage, logger: second.logger, logLevel: 'debug' });
    const received: string[] = [];
    b.on('message', (message) => void received.push(message.text));
    await b.connect();
    try {
      expect(second.lines.filter((line) => line.includes('auth key created'))).toEqual([]); // neither the session's nor ours
      expect(b.connectionInfo()).toMatchObject({ dcId: BOT_HOME_DC, authKey: 'reused' });
      expect(dc.control.connections(BOT_HOME_DC).find((c) => c.id > since && c.userId === BOT_ID)?.authKeyId).toBe(keyId);
      expect(connectionsSince(dc, 2, since)).toBe(0); // straight to the home DC
      await until(() => received.length > 0, 5000, 'the missed message');
      expect(received).toEqual(['while you were away']);
      // Peers were saved too: @alice resolves without a lookup and the chat id is right.
      expect((await b.sendMessage('@alice', 'second run')).chatId).toBe(BigInt(ALICE_ID));
    } finally {
      await b.stop();
    }

    // Secrets never reach the logs.
    const saved = await storage.load();
    const secrets = [BOT_TOKEN, API_HASH, BOT_TOKEN.split(':')[1]!, ...[...saved!.dcs.values()].map((key) => hex(key.authKey).slice(0, 32))];
    for (const line of [...first.lines, ...second.lines]) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it('refuses a damaged session file with a clear error and leaves it as it was', async () => {
    const path = join(dir, `damaged-${kind}.session.json`);
    const storage = new FileSessionStorage(path);
    const a = newClient(dc, { ...transportFor(kind), storage });
    await a.connect();
    await a.stop();
    const damaged = (await readFile(path, 'utf8')).slice(0, 200);
    await writeFile(path, damaged);
    const b = newClient(dc, { ...transportFor(kind), storage: new FileSessionStorage(path) });
    const error = await b.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionStorageError);
    expect(error).toMatchObject({ code: 'SESSION_CORRUPT', message: expect.stringContaining(path) });
    await b.stop();
    expect(await readFile(path, 'utf8')).toBe(damaged);
  });

  it("refuses another bot's session", async () => {
    const path = join(dir, `other-${kind}.session.json`);
    const a = newClient(dc, { ...transportFor(kind), storage: new FileSessionStorage(path) });
    await a.connect();
    await a.stop();
    const b = newClient(dc, { ...transportFor(kind), storage: new FileSessionStorage(path), botToken: '999999:another-bot' });
    await expect(b.connect()).rejects.toMatchObject({ code: 'SESSION_MISMATCH' });
  });
});
