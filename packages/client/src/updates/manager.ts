/**
 * Keeps the client's update stream complete and free of duplicates: runs every `Updates` (pushed or
 * returned by a call) through the sequencer, fetches `updates.getDifference` when a gap stays open
 * or the server says `updatesTooLong`, after reconnects and `new_session_created`, and hands each
 * update to the client exactly once.
 */
import { RpcError, type Tl, type TlType } from '@x/mtproto-core';
import type { Invoke } from '../util/method.js';
import type { Logger } from '../logger.js';
import type { PeerCache } from '../peers/peer-cache.js';
import type { StoredUpdateState } from '../storage/session-data.js';
import { normalizeUpdates, type NormalizedUpdates } from './normalize.js';
import { channelIdOf, type SequenceBox, type UpdateLike } from './sequence.js';
import { UpdateSequencer } from './sequencer.js';

export interface UpdateEntities {
  users: TlType<'User'>[];
  chats: TlType<'Chat'>[];
}

export interface UpdatesManagerOptions {
  invoke: Invoke;
  peers: PeerCache;
  logger: Logger;
  selfId(): bigint | undefined;
  deliver(update: TlType<'Update'>, entities: UpdateEntities): void;
  /** The state moved: persist it (debounced by the caller). */
  stateChanged(): void;
  initial?: StoredUpdateState;
  gapTimeoutMs: number;
}

/** Pages of a difference: Telegram caps each at a few hundred; we bound the loop. */
const MAX_DIFFERENCE_PAGES = 100;

export class UpdatesManager {
  readonly sequencer: UpdateSequencer;
  private readonly options: UpdatesManagerOptions;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  private stopped = false;
  private started = false;

  constructor(options: UpdatesManagerOptions) {
    this.options = options;
    this.sequencer = new UpdateSequencer(options.initial);
  }

  /** After login: fetch the state if we have none, else catch up on what we missed while away. */
  async start(): Promise<void> {
    this.stopped = false;
    this.started = true;
    if (!this.sequencer.hasState) {
      const state = await this.options.invoke({ _: 'updates.getState' });
      this.sequencer.setState(state);
      this.options.stateChanged();
      this.options.logger.debug('updates: state fetched', { pts: state.pts, qts: state.qts, seq: state.seq });
    } else {
      await this.catchUp();
    }
  }

  stop(): void {
    this.stopped = true;
    this.started = false;
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  /** Feeds pushed updates, or updates returned by a call. */
  handle(updates: TlType<'Updates'>): void {
    if (this.stopped) return;
    if (this.started && this.sequencer.hasState && !this.knowsSender(updates)) {
      // Short forms carry no user object: fetch the difference (which does) before delivering, so
      // handlers can answer the sender. The short update is then ingested; if the difference already
      // delivered it, the sequencer drops it as a duplicate.
      this.catchUp()
        .catch((error: unknown) => this.options.logger.warn('updates: getDifference for an unknown sender failed', { error }))
        .finally(() => {
          if (!this.stopped) this.handleNormalized(normalizeUpdates(updates, this.options.selfId()));
        });
      return;
    }
    this.handleNormalized(normalizeUpdates(updates, this.options.selfId()));
  }

  private knowsSender(updates: TlType<'Updates'>): boolean {
    if (updates._ === 'updateShortMessage') return updates.out === true || this.options.peers.get({ type: 'user', id: updates.userId }) !== undefined;
    if (updates._ === 'updateShortChatMessage') return this.options.peers.get({ type: 'user', id: updates.fromId }) !== undefined;
    return true;
  }

  /** Feeds an already expanded update (e.g. the message rebuilt from updateShortSentMessage). */
  handleSingle(update: TlType<'Update'>, date: number): void {
    if (this.stopped) return;
    this.handleNormalized({ updates: [update], users: [], chats: [], seq: 0, seqStart: 0, date, tooLong: false });
  }

  /** Resolves when no difference is being fetched. */
  async settled(): Promise<void> {
    while (this.catchingUp) await this.catchingUp.catch(() => {});
  }

  /** Fetches what was missed (single flight: a request during a run schedules one more run). */
  catchUp(): Promise<void> {
    if (!this.started || this.stopped) return Promise.resolve();
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      try {
        do {
          this.catchUpAgain = false;
          await this.fetchDifference();
        } while (this.catchUpAgain && !this.stopped);
      } finally {
        this.catchingUp = undefined;
      }
    })();
    return this.catchingUp;
  }

  private handleNormalized(batch: NormalizedUpdates): void {
    this.options.peers.addEntities(batch.users, batch.chats);
    if (batch.tooLong) {
      this.runCatchUp('updatesTooLong');
      return;
    }
    const entities = { users: batch.users, chats: batch.chats };
    const ready = this.sequencer.ingest(batch);
    this.deliverAll(ready, entities);
    for (const update of ready) {
      if (update._ === 'updateChannelTooLong') void this.catchUpChannel(update['channelId'] as bigint);
    }
    this.options.stateChanged();
    this.watchGaps();
  }

  private deliverAll(updates: readonly UpdateLike[], entities: UpdateEntities): void {
    for (const update of updates) {
      if (this.stopped) return;
      this.options.deliver(update as TlType<'Update'>, entities);
    }
  }

  /** A gap gets `gapTimeoutMs` to fill by itself (updates can arrive out of order), then a difference. */
  private watchGaps(): void {
    if (this.sequencer.gaps().length === 0) {
      if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
      return;
    }
    if (this.gapTimer !== undefined) return;
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined;
      const gaps = this.sequencer.gaps();
      if (gaps.length === 0 || this.stopped) return;
      this.options.logger.info('updates: gap detected, fetching the difference', { gaps });
      if (gaps.some((box) => box === 'common' || box === 'qts' || box === 'seq')) this.runCatchUp('gap');
      for (const box of gaps) if (box.startsWith('channel:')) void this.catchUpChannel(BigInt(box.slice('channel:'.length)));
    }, this.options.gapTimeoutMs);
  }

  private runCatchUp(reason: string): void {
    this.catchUp().catch((error: unknown) => {
      this.options.logger.warn(`updates: getDifference after ${reason} failed`, { error });
      this.releaseStuck(['common', 'qts', 'seq']);
    });
  }

  private async fetchDifference(): Promise<void> {
    for (let page = 0; page < MAX_DIFFERENCE_PAGES && !this.stopped; page++) {
      const state = this.sequencer.snapshot();
      const difference = await this.options.invoke({
        _: 'updates.getDifference',
        pts: state.pts,
        date: state.date,
        qts: state.qts,
      });
      if (this.stopped) return;
      switch (difference._) {
        case 'updates.differenceEmpty':
          this.sequencer.patchState({ date: difference.date, seq: difference.seq });
          this.finishDifference();
          return;
        case 'updates.differenceTooLong':
          // Too much was missed to replay; continue from the server's pts (Telegram apps refetch dialogs).
          this.options.logger.warn('updates: difference too long, some history is skipped', { pts: difference.pts });
          this.sequencer.patchState({ pts: difference.pts });
          this.finishDifference();
          continue;
        case 'updates.difference':
          this.applyDifference(difference);
          this.sequencer.setState(difference.state);
          this.finishDifference();
          return;
        case 'updates.differenceSlice':
          this.applyDifference(difference);
          this.sequencer.setState(difference.intermediateState);
          this.finishDifference();
          continue;
      }
    }
  }

  private applyDifference(difference: Tl<'updates.difference'> | Tl<'updates.differenceSlice'>): void {
    this.options.peers.addEntities(difference.users, difference.chats);
    const entities = { users: difference.users, chats: difference.chats };
    const updates: UpdateLike[] = [];
    for (const message of difference.newMessages) {
      const isChannel = message._ !== 'messageEmpty' && message.peerId._ === 'peerChannel';
      updates.push(
        isChannel
          ? { _: 'updateNewChannelMessage', message, pts: 0, ptsCount: 0 }
          : { _: 'updateNewMessage', message, pts: 0, ptsCount: 0 },
      );
    }
    for (const update of difference.otherUpdates) {
      const channelId = channelIdOf(update);
      const pts = (update as { pts?: unknown }).pts;
      if (channelId !== undefined && typeof pts === 'number') {
        const known = this.sequencer.channelPts(channelId);
        if (known !== undefined && pts <= known) continue;
        this.sequencer.setChannelPts(channelId, pts);
      }
      updates.push(update);
    }
    this.deliverAll(updates, entities);
  }

  private finishDifference(): void {
    this.deliverAll(this.sequencer.drain(), { users: [], chats: [] });
    this.options.stateChanged();
    this.watchGaps();
  }

  private async catchUpChannel(channelId: bigint): Promise<void> {
    const box: SequenceBox = `channel:${channelId}`;
    const peer = this.options.peers.get({ type: 'channel', id: channelId });
    const pts = this.sequencer.channelPts(channelId);
    if (!peer || pts === undefined) {
      this.releaseStuck([box]);
      return;
    }
    try {
      for (let page = 0; page < MAX_DIFFERENCE_PAGES && !this.stopped; page++) {
        const difference = await this.options.invoke({
          _: 'updates.getChannelDifference',
          channel: { _: 'inputChannel', channelId, accessHash: peer.accessHash },
          filter: { _: 'channelMessagesFilterEmpty' },
          pts: this.sequencer.channelPts(channelId) ?? pts,
          limit: 100,
        });
        if (difference._ === 'updates.channelDifferenceEmpty') {
          this.sequencer.setChannelPts(channelId, difference.pts);
          break;
        }
        if (difference._ === 'updates.channelDifferenceTooLong') {
          this.options.peers.addEntities(difference.users, difference.chats);
          const dialogPts = difference.dialog._ === 'dialog' ? difference.dialog.pts : undefined;
          if (dialogPts !== undefined) this.sequencer.setChannelPts(channelId, dialogPts);
          if (difference.final) break;
          continue;
        }
        this.options.peers.addEntities(difference.users, difference.chats);
        const updates: UpdateLike[] = difference.newMessages.map((message) => ({
          _: 'updateNewChannelMessage',
          message,
          pts: 0,
          ptsCount: 0,
        }));
        updates.push(...difference.otherUpdates);
        this.deliverAll(updates, { users: difference.users, chats: difference.chats });
        this.sequencer.setChannelPts(channelId, difference.pts);
        if (difference.final) break;
      }
      this.finishDifference();
    } catch (error) {
      if (!(error instanceof RpcError)) this.options.logger.warn('updates: channel difference failed', { error });
      this.releaseStuck([box]);
    }
  }

  /** No difference could be fetched: deliver what is held rather than lose it. */
  private releaseStuck(boxes: Array<SequenceBox | 'seq'>): void {
    const gaps = new Set(this.sequencer.gaps());
    for (const box of boxes) {
      if (!gaps.has(box)) continue;
      this.deliverAll(this.sequencer.forceRelease(box), { users: [], chats: [] });
    }
    this.options.stateChanged();
  }
}
