import { describe, expect, it } from 'vitest';
import { credentialsFromEnv, parseArgs, UsageError } from '../src/args.js';

describe('parseArgs', () => {
  it('defaults to WebSocket over TLS, interactive', () => {
    expect(parseArgs([])).toEqual({ transport: 'ws', insecureWs: false, dcs: undefined, once: false, verbose: false, help: false });
  });

  it('reads every flag, in both --flag value and --flag=value forms, and skips the -- pnpm passes', () => {
    expect(parseArgs(['--', '--transport', 'auto', '--insecure-ws', '--dcs=-', '--once', '--verbose'])).toEqual({
      transport: 'auto',
      insecureWs: true,
      dcs: '-',
      once: true,
      verbose: true,
      help: false,
    });
    expect(parseArgs(['--transport=tcp', '--dcs', 'dcs.json']).transport).toBe('tcp');
    expect(parseArgs(['-h']).help).toBe(true);
  });

  it.each([[['--transport', 'udp']], [['--transport']], [['--dcs']], [['--nope']], [['extra']]])('rejects %j', (argv) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
  });
});

describe('credentialsFromEnv', () => {
  it('none set: the offline story', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
  });

  it('all set: Telegram', () => {
    expect(credentialsFromEnv({ TG_API_ID: '12345', TG_API_HASH: 'abc', TG_BOT_TOKEN: '1:x', TG_CHAT: '@me' })).toEqual({
      apiId: 12345,
      apiHash: 'abc',
      botToken: '1:x',
      chat: '@me',
    });
  });

  it('some set, or a bad id: a usage error rather than a surprise', () => {
    expect(() => credentialsFromEnv({ TG_BOT_TOKEN: '1:x' })).toThrow(UsageError);
    expect(() => credentialsFromEnv({ TG_API_ID: 'x', TG_API_HASH: 'abc', TG_BOT_TOKEN: '1:x' })).toThrow(/TG_API_ID/);
  });
});
