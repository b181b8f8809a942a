import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../src/logger.js';
import { PeerCache } from '../src/peers/peer-cache.js';
import { UpdatesManager } from '../src/updates/manager.js';

// Structural TL values: the manager only reads `_` and the fields named here.
type Any = Record<string, unknown> & { _: string };

const alice = { _: 'user', id: 5n, accessHash: 55n, firstName: 'Alice' };
const message = (id: number, text = `m${id}`): Any => ({ _: 'message', id, peerId: { _: 'peerUser', userId: 5n }, fromId: { _: 'peerUser', userId: 5n }, date: 1000 + id, message: text });
const newMessage = (pts: number): Any => ({ _: 'updateNewMessage', message: message(pts), pts, ptsCount: 1 });
const updates = (list: Any[], seq = 0): Any => ({ _: 'updates', updates: list, users: [alice], chats: [], date: 2000, seq });
const shortMessage = (pts: number, userId = 5n): Any => ({ _: 'updateShortMessage', id: pts, userId, message: `m${pts}`, pts, ptsCount: 1, date: 1000 + pts });

function setup(answers: Record<string, (method: Any) => unknown>) {
  const calls: Any[] = [];
  const delivered: Any[] = [];
  const peers = new PeerCache();
  let saves = 0;
  const manager = new UpdatesManager({
    invoke: (async (method: Any) => {
      calls.push(method);
      const answer = answers[method._];
      if (!answer) throw new Error(`unexpected ${method._}`);
      return answer(method);
    }) as never,
    peers,
    logger: silentLogger,
    selfId: () => 100n,
    deliver: (update) => void delivered.push(update as unknown as Any),
    stateChanged: () => void saves++,
    gapTimeoutMs: 500,
  });
  const deliveredIds = () => delivered.map((u) => (u['message'] as { id: number } | undefined)?.id ?? u._);
  return { manager, calls, delivered, deliveredIds, peers, saves: () => saves };
}

const state = (pts: number, seq = 1) => ({ _: 'updates.state', pts, qts: 0, date: 1000, seq, unreadCount: 0 });

describe('UpdatesManager', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fetches the state on first start and delivers in-order updates once', async () => {
    const { manager, calls, deliveredIds, saves } = setup({ 'updates.getState': () => state(10) });
    await manager.start();
    manager.handle(updates([newMessage(11)]) as never);
    manager.handle(updates([newMessage(11)]) as never);
    manager.handle(updates([newMessage(12)]) as never);
    expect(deliveredIds()).toEqual([11, 12]);
    expect(calls.map((c) => c._)).toEqual(['updates.getState']);
    expect(manager.sequencer.snapshot().pts).toBe(12);
    expect(saves()).toBeGreaterThan(0);
  });

  it('recovers an injected gap with getDifference, in order, without duplicates', async () => {
    const { manager, calls, deliveredIds } = setup({
      'updates.getState': () => state(10),
      'updates.getDifference': () => ({
        _: 'updates.difference',
        newMessages: [message(11), message(12)],
        newEncryptedMessages: [],
        otherUpdates: [],
        chats: [],
        users: [alice],
        state: state(12),
      }),
    });
    await manager.start();
    manager.handle(updates([newMessage(13)]) as never); // 11 and 12 never arrive
    expect(deliveredIds()).toEqual([]);
    await vi.advanceTimersByTimeAsync(499);
    expect(calls.map((c) => c._)).toEqual(['updates.getState']);
    await vi.advanceTimersByTimeAsync(1);
    await manager.settled();
    expect(calls.map((c) => c._)).toEqual(['updates.getState', 'updates.getDifference']);
    expect(calls[1]).toMatchObject({ pts: 10, date: 1000, qts: 0 });
    expect(deliveredIds()).toEqual([11, 12, 13]);
    expect(manager.sequencer.gaps()).toEqual([]);
  });

  it('does not fetch a difference when the gap fills by itself in time', async () => {
    const { manager, calls, deliveredIds } = setup({ 'updates.getState': () => state(10) });
    await manager.start();
    manager.handle(updates([newMessage(12)]) as never);
    await vi.advanceTimersByTimeAsync(100);
    manager.handle(updates([newMessage(11)]) as never);
    await vi.advanceTimersByTimeAsync(1000);
    expect(deliveredIds()).toEqual([11, 12]);
    expect(calls.map((c) => c._)).toEqual(['updates.getState']);
  });

  it('follows differenceSlice pages until the final difference', async () => {
    let page = 0;
    const { manager, deliveredIds } = setup({
      'updates.getState': () => state(10),
      'updates.getDifference': () =>
        page++ === 0
          ? { _: 'updates.differenceSlice', newMessages: [message(11)], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [], intermediateState: state(11) }
          : { _: 'updates.difference', newMessages: [message(12)], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [], state: state(12) },
    });
    await manager.start();
    manager.handle({ _: 'updatesTooLong' } as never);
    await manager.settled();
    expect(deliveredIds()).toEqual([11, 12]);
    expect(manager.sequencer.snapshot().pts).toBe(12);
  });

  it('catches up on start when a stored state exists (messages sent while offline)', async () => {
    const { manager, calls, deliveredIds } = setup({
      'updates.getDifference': () => ({ _: 'updates.difference', newMessages: [message(21)], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [], state: state(21) }),
    });
    (manager as unknown as { sequencer: { setState(s: object): void } }).sequencer.setState({ pts: 20, qts: 0, seq: 1, date: 900 });
    await manager.start();
    expect(calls.map((c) => c._)).toEqual(['updates.getDifference']);
    expect(deliveredIds()).toEqual([21]);
  });

  it('a short message from an unknown sender is delivered after a difference brings the user', async () => {
    const { manager, calls, delivered, peers } = setup({
      'updates.getState': () => state(10),
      'updates.getDifference': () => ({
        _: 'updates.difference',
        newMessages: [message(11)],
        newEncryptedMessages: [],
        otherUpdates: [],
        chats: [],
        users: [alice],
        state: state(11),
      }),
    });
    await manager.start();
    manager.handle(shortMessage(11) as never);
    await manager.settled();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map((c) => c._)).toEqual(['updates.getState', 'updates.getDifference']);
    expect(delivered).toHaveLength(1);
    expect(peers.get({ type: 'user', id: 5n })?.accessHash).toBe(55n);
  });

  it('expands short messages from known senders without a call', async () => {
    const { manager, calls, delivered, peers } = setup({ 'updates.getState': () => state(10) });
    peers.addEntities([alice], []);
    await manager.start();
    manager.handle(shortMessage(11) as never);
    expect(calls).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ _: 'updateNewMessage', pts: 11, message: { _: 'message', id: 11, message: 'm11', peerId: { _: 'peerUser', userId: 5n } } });
  });

  it('delivers what it holds when the difference cannot be fetched, rather than losing it', async () => {
    const { manager, deliveredIds } = setup({
      'updates.getState': () => state(10),
      'updates.getDifference': () => {
        throw new Error('network down');
      },
    });
    await manager.start();
    manager.handle(updates([newMessage(12)]) as never);
    await vi.advanceTimersByTimeAsync(500);
    await vi.advanceTimersByTimeAsync(0);
    expect(deliveredIds()).toEqual([12]);
  });

  it('stops delivering after stop()', async () => {
    const { manager, deliveredIds } = setup({ 'updates.getState': () => state(10) });
    await manager.start();
    manager.stop();
    manager.handle(updates([newMessage(11)]) as never);
    expect(deliveredIds()).toEqual([]);
  });
});
