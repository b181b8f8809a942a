import { describe, expect, it } from 'vitest';
import { RedactingLogger, type Logger } from '../src/logger.js';

function capture(): { logger: Logger; lines: Array<{ level: string; message: string; data?: object }> } {
  const lines: Array<{ level: string; message: string; data?: object }> = [];
  const push = (level: string) => (message: string, data?: object) => void lines.push({ level, message, data });
  return { logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') }, lines };
}

describe('RedactingLogger', () => {
  it('cuts registered secrets out of messages and nested data', () => {
    const { logger, lines } = capture();
    const log = new RedactingLogger(logger);
    log.addSecret('123456:AAHsecretTOKEN');
    log.info('login with 123456:AAHsecretTOKEN failed', { nested: { text: 'token=123456:AAHsecretTOKEN' } });
    const dump = JSON.stringify(lines);
    expect(dump).not.toContain('AAHsecretTOKEN');
    expect(dump).toContain('[redacted]');
  });

  it('redacts secret-looking keys and byte arrays whatever they hold', () => {
    const { logger, lines } = capture();
    const log = new RedactingLogger(logger);
    log.debug('key', { authKey: 'abc', botToken: 'x', apiHash: 'y', serverSalt: 5n, payload: new Uint8Array(256), dcId: 2 });
    expect(lines[0]!.data).toEqual({
      authKey: '[redacted]',
      botToken: '[redacted]',
      apiHash: '[redacted]',
      serverSalt: '[redacted]',
      payload: '<256 bytes>',
      dcId: 2,
    });
  });

  it('scrubs error messages passed as data', () => {
    const { logger, lines } = capture();
    const log = new RedactingLogger(logger);
    log.addSecret('hash-of-the-api-0123');
    log.error('boom', { error: new Error('bad hash-of-the-api-0123') });
    expect(JSON.stringify(lines)).not.toContain('hash-of-the-api-0123');
  });

  it('filters by level before doing any work', () => {
    const { logger, lines } = capture();
    const log = new RedactingLogger(logger, 'warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });
});
