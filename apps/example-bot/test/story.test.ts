import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDc } from '@x/test-dc';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

async function runBot(argv: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, env, { out: (line) => void out.push(line), err: (line) => void err.push(line), stop: new AbortController().signal });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('the offline story (--once)', () => {
  it.each([
    [['--once'], /WebSocket wss:\/\/localhost:\d+\/apiws, DC 3 \(login moved there from DC 2 by USER_MIGRATE_3\)/],
    [['--once', '--insecure-ws'], /WebSocket ws:\/\/127\.0\.0\.1:\d+\/apiws, DC 3/],
    [['--once', '--transport', 'tcp'], /TCP 127\.0\.0\.1:\d+, DC 3/],
    [['--once', '--transport', 'auto'], /TCP 127\.0\.0\.1:\d+, DC 3/],
  ])('%j passes every step', async (argv, connectLine) => {
    const { code, out } = await runBot(argv);
    expect(out).toMatch(connectLine);
    expect(out).toMatch(/ok {3}send greeting {10}"Hello via WebSocket!" -> @alice/);
    expect(out).toMatch(/ok {3}\/start from @alice {5}answered "Hi Alice!/);
    expect(out).toMatch(/ok {3}echo {19}"ping over WebSocket" echoed back/);
    expect(out).toMatch(/ok {3}stop/);
    expect(out).toMatch(/all 6 steps passed$/);
    expect(out).not.toContain('FAIL');
    expect(code).toBe(0);
  });

  it('exits 1 and says which step failed when the DCs cannot be reached', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dir = await mkdtemp(join(tmpdir(), 'example-bot-'));
    try {
      const file = join(dir, 'dcs.json');
      await writeFile(file, JSON.stringify({ dcs: [{ id: 2, host: '127.0.0.1', tcpPort: port, wsUrl: `ws://127.0.0.1:${port}/apiws` }] }));
      const { code, out } = await runBot(['--once', '--insecure-ws', '--dcs', file]);
      expect(out).toMatch(/FAIL connect \+ log in/);
      expect(out).toMatch(/1 of \d steps failed: connect \+ log in/);
      expect(code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with the usage on bad flags or half-set credentials, 0 with --help', async () => {
    expect((await runBot(['--transport', 'pigeon'])).code).toBe(2);
    const half = await runBot(['--once'], { TG_BOT_TOKEN: '1:x' });
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/TG_API_ID, TG_API_HASH and TG_BOT_TOKEN/);
    const help = await runBot(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--transport tcp\|ws\|auto/);
  });
});

describe('the live mode (TG_* set), pointed at the test DC with --dcs', () => {
  it('connects, logs in, greets TG_CHAT, stops, and reuses its session file on the next run', async () => {
    const dc = await startTestDc();
    const dir = await mkdtemp(join(tmpdir(), 'example-bot-live-'));
    try {
      const config = dc.clientConfig();
      await writeFile(join(dir, 'server.pem'), config.rsaPublicKeyPem);
      await writeFile(join(dir, 'ca.pem'), config.tlsCaPem!);
      // The JSON line as `pnpm test-dc` prints it: PEM files by path, relative to the line's file.
      await writeFile(join(dir, 'dcs.json'), `${JSON.stringify({ ...config, rsaPublicKeyPem: 'server.pem', tlsCaPem: 'ca.pem' })}\n`);
      const env = { TG_API_ID: '7', TG_API_HASH: 'live-hash', TG_BOT_TOKEN: '700003:live-secret', TG_CHAT: '@alice', TG_SESSION: join(dir, 'live.session.json') };
      const first = await runBot(['--once', '--dcs', join(dir, 'dcs.json')], env);
      expect(first.out).toMatch(/ok {3}connect \+ log in {7}WebSocket wss:\/\/localhost:\d+\/apiws, DC \d, auth key created, as @bot700003_bot/);
      expect(first.out).toMatch(/ok {3}send greeting {10}"Hello via WebSocket!" -> @alice/);
      expect(first.code).toBe(0);
      expect(dc.control.botMessages(700003, { peer: '@alice' }).map((m) => m.text)).toEqual(['Hello via WebSocket!']);

      const second = await runBot(['--once', '--dcs', join(dir, 'dcs.json')], env);
      expect(second.out).toMatch(/auth key reused/);
      expect(second.code).toBe(0);
      expect(first.out + second.out).not.toContain('live-secret');
    } finally {
      await rm(dir, { recursive: true, force: true });
      await dc.close();
    }
  });
});
