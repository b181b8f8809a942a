import { Message } from '@x/client';
import { describe, expect, it } from 'vitest';
import { answerFor, GREETING, startReply } from '../src/bot.js';

const replier = { sendMessage: () => Promise.reject(new Error('not in this test')) };
const message = (text: string) =>
  new Message({ _: 'message', id: 1, peerId: { _: 'peerUser', userId: 5n }, date: 0, message: text }, replier as never);

describe('the bot answers', () => {
  it('/start with a greeting naming the user', () => {
    expect(answerFor(message('/start'), 'Alice')).toBe(startReply('Alice'));
    expect(answerFor(message('/start@example_bot'), undefined)).toBe(startReply(undefined));
    expect(startReply('Alice')).toMatch(/^Hi Alice!/);
  });

  it('everything else with an echo', () => {
    expect(answerFor(message('hello there'))).toBe('hello there');
    expect(answerFor(message('/starting'))).toBe('/starting');
  });

  it('nothing to empty messages (media without caption)', () => {
    expect(answerFor(message('  '))).toBeUndefined();
  });

  it('greets over WebSocket', () => {
    expect(GREETING).toBe('Hello via WebSocket!');
  });
});
