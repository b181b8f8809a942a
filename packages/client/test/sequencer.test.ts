import { describe, expect, it } from 'vitest';
import { UpdateSequencer, type UpdatesBatch } from '../src/updates/sequencer.js';
import type { UpdateLike } from '../src/updates/sequence.js';

const msg = (pts: number, ptsCount = 1, id = pts): UpdateLike => ({ _: 'updateNewMessage', pts, ptsCount, message: { _: 'message', id } });
const chan = (channelId: bigint, pts: number): UpdateLike => ({
  _: 'updateNewChannelMessage',
  pts,
  ptsCount: 1,
  message: { _: 'message', id: pts, peerId: { _: 'peerChannel', channelId } },
});
const plain = (name = 'updateUserStatus'): UpdateLike => ({ _: name });
const batch = (updates: UpdateLike[], seq = 0, seqStart = seq, date = 1000): UpdatesBatch => ({ updates, seq, seqStart, date });
const ids = (updates: UpdateLike[]) => updates.map((u) => (u['message'] as { id: number } | undefined)?.id ?? u._);

function started(pts = 10, seq = 5, qts = 3): UpdateSequencer {
  const s = new UpdateSequencer();
  s.setState({ pts, qts, seq, date: 900 });
  return s;
}

describe('UpdateSequencer', () => {
  it('delivers everything before a state is known', () => {
    const s = new UpdateSequencer();
    expect(ids(s.ingest(batch([msg(50), msg(40)])))).toEqual([50, 40]);
    expect(s.hasState).toBe(false);
  });

  it('applies in-order pts updates and advances the box', () => {
    const s = started(10);
    expect(ids(s.ingest(batch([msg(11)])))).toEqual([11]);
    expect(ids(s.ingest(batch([msg(13, 2)])))).toEqual([13]);
    expect(s.snapshot().pts).toBe(13);
    expect(s.gaps()).toEqual([]);
  });

  it('drops duplicates (local + count > pts)', () => {
    const s = started(10);
    s.ingest(batch([msg(11), msg(12)]));
    expect(s.ingest(batch([msg(12)]))).toEqual([]);
    expect(s.ingest(batch([msg(11)]))).toEqual([]);
    expect(s.snapshot().pts).toBe(12);
  });

  it('holds updates past a gap and releases them when the gap fills', () => {
    const s = started(10);
    expect(s.ingest(batch([msg(13)]))).toEqual([]);
    expect(s.ingest(batch([msg(12)]))).toEqual([]);
    expect(s.gaps()).toEqual(['common']);
    expect(ids(s.ingest(batch([msg(11)])))).toEqual([11, 12, 13]);
    expect(s.gaps()).toEqual([]);
    expect(s.snapshot().pts).toBe(13);
  });

  it('after a difference, drops held updates the new state covers and keeps the rest in order', () => {
    const s = started(10);
    s.ingest(batch([msg(12)]));
    s.ingest(batch([msg(15)]));
    s.ingest(batch([msg(14)]));
    expect(s.gaps()).toEqual(['common']);
    // The difference delivered 11..13 and says pts is now 13.
    s.setState({ pts: 13, qts: 3, seq: 5, date: 950 });
    expect(ids(s.drain())).toEqual([14, 15]);
    expect(s.gaps()).toEqual([]);
  });

  it('a gap that outlives the difference stays held', () => {
    const s = started(10);
    s.ingest(batch([msg(20)]));
    s.setState({ pts: 15, qts: 3, seq: 5, date: 950 });
    expect(s.drain()).toEqual([]);
    expect(s.gaps()).toEqual(['common']);
  });

  it('does not move the date past a batch that is held', () => {
    const s = started(10);
    s.ingest(batch([msg(12)], 0, 0, 5000));
    expect(s.snapshot().date).toBe(900);
    s.ingest(batch([msg(11)], 0, 0, 6000));
    expect(s.snapshot().date).toBe(6000);
  });

  it('forceRelease delivers held updates in pts order', () => {
    const s = started(10);
    s.ingest(batch([msg(14)]));
    s.ingest(batch([msg(12)]));
    expect(ids(s.forceRelease('common'))).toEqual([12, 14]);
    expect(s.snapshot().pts).toBe(14);
  });

  it('delivers unsequenced updates immediately', () => {
    const s = started(10);
    expect(ids(s.ingest(batch([plain(), msg(11), plain('updateMessageID')])))).toEqual([
      'updateUserStatus',
      11,
      'updateMessageID',
    ]);
  });

  it('keeps one pts box per channel, starting at the first update seen', () => {
    const s = started(10);
    expect(ids(s.ingest(batch([chan(77n, 100)])))).toEqual([100]);
    expect(ids(s.ingest(batch([chan(77n, 101)])))).toEqual([101]);
    expect(s.ingest(batch([chan(77n, 103)]))).toEqual([]);
    expect(s.gaps()).toEqual(['channel:77']);
    expect(ids(s.ingest(batch([chan(88n, 5)])))).toEqual([5]);
    expect(s.snapshot().pts).toBe(10);
    expect(s.snapshot().channels).toEqual({ '77': 101, '88': 5 });
  });

  it('orders qts updates with a step of one', () => {
    const s = started(10, 5, 3);
    const bot = (qts: number): UpdateLike => ({ _: 'updateBotStopped', qts, userId: 1n });
    expect(s.ingest(batch([bot(4)])).length).toBe(1);
    expect(s.ingest(batch([bot(4)])).length).toBe(0);
    expect(s.ingest(batch([bot(6)])).length).toBe(0);
    expect(s.gaps()).toEqual(['qts']);
    expect(s.ingest(batch([bot(5)])).length).toBe(2);
    expect(s.snapshot().qts).toBe(6);
  });

  describe('seq', () => {
    it('applies the next batch and advances seq and date', () => {
      const s = started(10, 5);
      expect(ids(s.ingest(batch([plain(), msg(11)], 6, 6, 1234)))).toEqual(['updateUserStatus', 11]);
      expect(s.snapshot()).toMatchObject({ seq: 6, date: 1234, pts: 11 });
    });

    it('accepts a combined batch covering several seq values', () => {
      const s = started(10, 5);
      expect(s.ingest(batch([plain(), plain()], 8, 6)).length).toBe(2);
      expect(s.snapshot().seq).toBe(8);
    });

    it('ignores a batch already applied, except pts updates that are new', () => {
      const s = started(10, 5);
      expect(ids(s.ingest(batch([plain(), msg(11)], 5, 5)))).toEqual([11]);
      expect(s.snapshot().seq).toBe(5);
    });

    it('holds a batch past a seq gap until the missing one arrives', () => {
      const s = started(10, 5);
      expect(s.ingest(batch([plain('a')], 7))).toEqual([]);
      expect(s.gaps()).toEqual(['seq']);
      expect(ids(s.ingest(batch([plain('b')], 6)))).toEqual(['b', 'a']);
      expect(s.snapshot().seq).toBe(7);
      expect(s.gaps()).toEqual([]);
    });

    it('after a difference, a held batch the state covers only contributes new pts updates', () => {
      const s = started(10, 5);
      s.ingest(batch([plain('late'), msg(12)], 7));
      s.setState({ pts: 11, qts: 3, seq: 7, date: 950 });
      expect(ids(s.drain())).toEqual([12]);
      expect(s.gaps()).toEqual([]);
    });
  });

  it('round-trips its state through snapshot()', () => {
    const s = started(10);
    s.ingest(batch([chan(5n, 9), msg(11)]));
    const again = new UpdateSequencer(s.snapshot());
    expect(again.hasState).toBe(true);
    expect(again.snapshot()).toEqual(s.snapshot());
    expect(again.ingest(batch([msg(11)]))).toEqual([]);
  });
});
