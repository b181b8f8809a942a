import { describe, expect, it } from 'vitest';
import { expandSentMessage, normalizeUpdates } from '../src/updates/normalize.js';

// Structural TL values; the functions only read the fields named here.
const any = <T>(value: object) => value as T;

describe('normalizeUpdates', () => {
  it('expands updateShortMessage into updateNewMessage with a whole message', () => {
    const out = normalizeUpdates(
      any({ _: 'updateShortMessage', id: 7, userId: 5n, message: 'hi', pts: 11, ptsCount: 1, date: 1000, mentioned: true }),
      100n,
    );
    expect(out).toMatchObject({ seq: 0, seqStart: 0, date: 1000, tooLong: false, users: [], chats: [] });
    expect(out.updates).toEqual([
      {
        _: 'updateNewMessage',
        pts: 11,
        ptsCount: 1,
        message: expect.objectContaining({
          _: 'message',
          id: 7,
          message: 'hi',
          date: 1000,
          mentioned: true,
          peerId: { _: 'peerUser', userId: 5n },
          fromId: { _: 'peerUser', userId: 5n },
        }),
      },
    ]);
  });

  it('our own short message is from us', () => {
    const out = normalizeUpdates(any({ _: 'updateShortMessage', out: true, id: 7, userId: 5n, message: 'hi', pts: 11, ptsCount: 1, date: 1000 }), 100n);
    expect(out.updates[0]).toMatchObject({ message: { out: true, fromId: { _: 'peerUser', userId: 100n }, peerId: { _: 'peerUser', userId: 5n } } });
  });

  it('expands updateShortChatMessage into a basic-group message', () => {
    const out = normalizeUpdates(any({ _: 'updateShortChatMessage', id: 3, fromId: 5n, chatId: 9n, message: 'yo', pts: 2, ptsCount: 1, date: 5 }), 100n);
    expect(out.updates[0]).toMatchObject({ _: 'updateNewMessage', message: { peerId: { _: 'peerChat', chatId: 9n }, fromId: { _: 'peerUser', userId: 5n } } });
  });

  it('unwraps updateShort, keeps updates/updatesCombined with their seq range and entities', () => {
    expect(normalizeUpdates(any({ _: 'updateShort', update: { _: 'updateUserStatus' }, date: 9 }), undefined)).toMatchObject({
      updates: [{ _: 'updateUserStatus' }],
      seq: 0,
      date: 9,
    });
    expect(normalizeUpdates(any({ _: 'updates', updates: [], users: [{ _: 'user' }], chats: [], date: 4, seq: 12 }), undefined)).toMatchObject({
      seq: 12,
      seqStart: 12,
      users: [{ _: 'user' }],
    });
    expect(normalizeUpdates(any({ _: 'updatesCombined', updates: [], users: [], chats: [], date: 4, seqStart: 10, seq: 12 }), undefined)).toMatchObject({
      seq: 12,
      seqStart: 10,
    });
  });

  it('marks updatesTooLong', () => {
    expect(normalizeUpdates(any({ _: 'updatesTooLong' }), undefined).tooLong).toBe(true);
  });

  it('rebuilds the message of updateShortSentMessage from the request', () => {
    const update = expandSentMessage(
      any({ _: 'updateShortSentMessage', out: true, id: 42, pts: 8, ptsCount: 1, date: 77 }),
      any({
        _: 'messages.sendMessage',
        peer: { _: 'inputPeerUser', userId: 5n, accessHash: 1n },
        message: 'sent text',
        randomId: 1n,
        silent: true,
        replyTo: { _: 'inputReplyToMessage', replyToMsgId: 41 },
      }),
      any({ _: 'peerUser', userId: 5n }),
      100n,
    );
    expect(update).toMatchObject({
      _: 'updateNewMessage',
      pts: 8,
      ptsCount: 1,
      message: {
        _: 'message',
        out: true,
        silent: true,
        id: 42,
        date: 77,
        message: 'sent text',
        fromId: { _: 'peerUser', userId: 100n },
        peerId: { _: 'peerUser', userId: 5n },
        replyTo: { _: 'messageReplyHeader', replyToMsgId: 41 },
      },
    });
    const inChannel = expandSentMessage(
      any({ _: 'updateShortSentMessage', id: 1, pts: 3, ptsCount: 1, date: 1 }),
      any({ _: 'messages.sendMessage', peer: { _: 'inputPeerChannel' }, message: 'x', randomId: 2n }),
      any({ _: 'peerChannel', channelId: 9n }),
      100n,
    );
    expect(inChannel._).toBe('updateNewChannelMessage');
  });
});
