import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { FloodWaitError, type Logger } from '../../src/index.node.js';
import { BOT_ID, KINDS, newClient, startDc, transportFor } from './helpers.js';

function recording(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}

describe.each(KINDS)('FLOOD_WAIT over %s', (kind) => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });
  afterEach(() => dc.control.clearFaults());

  const sent = (text: string) => dc.control.botMessages(BOT_ID).filter((message) => message.text === text).length;

  it('under the threshold: sleeps the X seconds and retries, the message is sent once', async () => {
    const { logger, lines } = recording();
    const client = newClient(dc, { ...transportFor(kind), floodSleepThreshold: 3, logger, logLevel: 'info' });
    await client.connect();
    try {
      await client.chatRef('@alice');
      dc.control.setFaults({ floodWait: { method: 'messages.sendMessage', seconds: 1, count: 1 } });
      const started = Date.now();
      const message = await client.sendMessage('@alice', `flood under (${kind})`);
      expect(message.text).toBe(`flood under (${kind})`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(lines).toContain('messages.sendMessage: FLOOD_WAIT_1, sleeping 1 s before retrying');
      expect(sent(`flood under (${kind})`)).toBe(1);
    } finally {
      await client.stop();
    }
  });

  it('over the threshold: throws FloodWaitError with the seconds, without sleeping or sending', async () => {
    const { logger, lines } = recording();
    const client = newClient(dc, { ...transportFor(kind), floodSleepThreshold: 5, logger, logLevel: 'info' });
    await client.connect();
    try {
      await client.chatRef('@alice');
      dc.control.setFaults({ floodWait: { method: 'messages.sendMessage', seconds: 30 } });
      const error = await client.sendMessage('@alice', `flood over (${kind})`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FloodWaitError);
      expect(error).toMatchObject({ waitSeconds: 30, errorCode: 420, errorMessage: 'FLOOD_WAIT_30' });
      expect(lines.some((line) => line.includes('sleeping'))).toBe(false);
      expect(sent(`flood over (${kind})`)).toBe(0);
      // Other methods are not affected.
      expect((await client.getMe()).id).toBe(BigInt(BOT_ID));
    } finally {
      await client.stop();
    }
  });
});
