import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { ALICE_ID } from '@x/test-dc';
import { BOT_HOME_DC, BOT_ID, KINDS, newClient, nextMessage, startDc, transportFor } from './helpers.js';

describe.each(KINDS)('bot flow over %s', (kind) => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });

  it('connects, logs in on the home DC after USER_MIGRATE, sends, receives and answers, stops cleanly', async () => {
    const client = newClient(dc, transportFor(kind));
    const states: string[] = [];
    client.on('connection', (event) => void states.push(`${event.dcId}:${event.state}`));
    await client.connect();
    try {
      const info = client.connectionInfo()!;
      expect(info.dcId).toBe(BOT_HOME_DC);
      expect(info.transport).toBe(kind);
      expect(info.address).toMatch(kind === 'websocket' ? /^wss:\/\/localhost:\d+\/apiws$/ : /^127\.0\.0\.1:\d+$/);
      expect(info.authKey).toBe('created');
      expect(client.me?.id).toBe(BigInt(BOT_ID));
      expect(client.me?.bot).toBe(true);
      expect(states).toContain('2:connected');
      expect(states).toContain(`${BOT_HOME_DC}:connected`);

      const sent = await client.sendMessage('@alice', 'Hello via WebSocket!');
      expect(sent.out).toBe(true);
      expect(sent.text).toBe('Hello via WebSocket!');
      expect(sent.chatId).toBe(BigInt(ALICE_ID));
      expect(dc.control.botMessages(BOT_ID, { peer: '@alice' }).map((m) => m.text)).toEqual(['Hello via WebSocket!']);

      const incoming = nextMessage(client);
      dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text: '/start' });
      const message = await incoming;
      expect(message.text).toBe('/start');
      expect(message.senderId).toBe(BigInt(ALICE_ID));
      expect(message.sender?.firstName).toBe('Alice');
      expect(message.out).toBe(false);

      const answered = dc.control.waitForBotMessage(BOT_ID, { predicate: (m) => m.text === 'Hi Alice' });
      const reply = await message.reply('Hi Alice');
      expect(reply.replyToMessageId).toBe(message.id);
      expect((await answered).peer).toBe(`user:${ALICE_ID}`);

      expect(await client.ping()).toBeGreaterThan(0);
      expect(client.connectionInfo()?.roundTripMs).toBeGreaterThan(0);

      const me = await client.getMe();
      expect(me.username).toBe(`bot${BOT_ID}_bot`);
    } finally {
      await client.stop();
    }
    expect(client.connected).toBe(false);
    expect(dc.violations()).toEqual([]);
  });
});

describe('the DC table as `pnpm test-dc` prints it', () => {
  it('takes PEM file paths for the RSA key and the TLS CA (Node entry)', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dc = await startDc();
    const dir = await mkdtemp(join(tmpdir(), 'x-client-pem-'));
    try {
      const config = dc.clientConfig();
      await writeFile(join(dir, 'server.pem'), config.rsaPublicKeyPem);
      await writeFile(join(dir, 'ca.pem'), config.tlsCaPem!);
      const line = { ...config, rsaPublicKeyPem: join(dir, 'server.pem'), tlsCaPem: join(dir, 'ca.pem') };
      const client = newClient(dc, { dcs: line, webSocket: true });
      await client.connect();
      expect(client.connectionInfo()?.address).toMatch(/^wss:/);
      await client.stop();

      // Without the server's key the auth-key exchange cannot start: a clear error, not a hang.
      const { rsaPublicKeyPem: _key, ...withoutKey } = config;
      const stranger = newClient(dc, { dcs: withoutKey, webSocket: true });
      await expect(stranger.connect()).rejects.toThrow(/fingerprint|RSA|key/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await dc.close();
    }
  });
});
