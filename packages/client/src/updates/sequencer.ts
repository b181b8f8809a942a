/**
 * The update state machine (pure, no I/O): applies Telegram's ordering rules to incoming updates.
 *
 * - pts boxes (common and per channel): an update moving the box by `count` to `pts` applies when
 *   `local + count === pts`, is a duplicate when `local + count > pts`, and reveals a gap when
 *   `local + count < pts`; then it is held until the gap is filled or a difference is fetched.
 * - qts: the same with count 1.
 * - seq (for `updates`/`updatesCombined` with seq != 0): a container applies when
 *   `seqStart === local + 1`, is already applied when `seqStart <= local`, and reveals a gap when
 *   `seqStart > local + 1`.
 * Before the first state is known (no getState yet) everything is delivered as it comes.
 * The caller watches `gaps()`, fetches a difference when a gap persists, calls `setState()` with the
 * difference's state and `drain()` to release what was held.
 */
import type { StoredUpdateState } from '../storage/session-data.js';
import { sequenceOf, type SequenceBox, type UpdateLike, type UpdateSequence } from './sequence.js';

/** An `Updates` value with short forms already expanded. `seq === 0` means "not seq-ordered". */
export interface UpdatesBatch {
  updates: readonly UpdateLike[];
  seqStart: number;
  seq: number;
  date: number;
}

interface HeldUpdate {
  sequence: UpdateSequence;
  update: UpdateLike;
}

export class UpdateSequencer {
  private pts = 0;
  private qts = 0;
  private seq = 0;
  private date = 0;
  private known = false;
  private readonly channels = new Map<string, number>();
  private readonly held = new Map<SequenceBox, HeldUpdate[]>();
  private heldBatches: UpdatesBatch[] = [];

  constructor(initial?: StoredUpdateState) {
    if (initial) {
      this.setState(initial);
      for (const [id, pts] of Object.entries(initial.channels)) this.channels.set(id, pts);
    }
  }

  /** True once a state from getState, a difference or storage has been set. */
  get hasState(): boolean {
    return this.known;
  }

  snapshot(): StoredUpdateState {
    return { pts: this.pts, qts: this.qts, seq: this.seq, date: this.date, channels: Object.fromEntries(this.channels) };
  }

  /** Sets the common state (from updates.getState or a difference's `state`). */
  setState(state: { pts: number; qts: number; seq: number; date: number }): void {
    this.pts = state.pts;
    this.qts = state.qts;
    this.seq = state.seq;
    this.date = state.date;
    this.known = true;
  }

  /** Moves only pts (differenceTooLong) or only seq/date (differenceEmpty). */
  patchState(patch: Partial<{ pts: number; qts: number; seq: number; date: number }>): void {
    if (patch.pts !== undefined) this.pts = patch.pts;
    if (patch.qts !== undefined) this.qts = patch.qts;
    if (patch.seq !== undefined) this.seq = patch.seq;
    if (patch.date !== undefined) this.date = patch.date;
  }

  channelPts(channelId: bigint | string): number | undefined {
    return this.channels.get(String(channelId));
  }

  setChannelPts(channelId: bigint | string, pts: number): void {
    this.channels.set(String(channelId), pts);
  }

  /** Feeds one batch; returns the updates to deliver now, in order. */
  ingest(batch: UpdatesBatch): UpdateLike[] {
    if (!this.known) return [...batch.updates];
    const ready: UpdateLike[] = [];
    if (batch.seq !== 0) {
      if (batch.seqStart <= this.seq) {
        // Already applied as a whole: only pts-ordered updates may still be new (their own check decides).
        for (const update of batch.updates) if (sequenceOf(update)) this.applyOne(update, ready);
        return ready;
      }
      if (batch.seqStart > this.seq + 1) {
        this.heldBatches.push(batch);
        return ready;
      }
      this.applyBatch(batch, ready);
      this.releaseBatches(ready);
      return ready;
    }
    for (const update of batch.updates) this.applyOne(update, ready);
    // The date moves only while nothing is held: getDifference starts from it.
    if (batch.date > this.date && this.heldCount() === 0) this.date = batch.date;
    return ready;
  }

  private heldCount(): number {
    let count = 0;
    for (const list of this.held.values()) count += list.length;
    return count;
  }

  /** Boxes waiting for missing updates (`'seq'` when a whole batch is waiting). */
  gaps(): Array<SequenceBox | 'seq'> {
    const out: Array<SequenceBox | 'seq'> = [];
    for (const [box, list] of this.held) if (list.length > 0) out.push(box);
    if (this.heldBatches.length > 0) out.push('seq');
    return out;
  }

  /**
   * After the state moved (a difference was applied): drops held updates the state already covers
   * and delivers those that now fit. Gaps that remain stay held.
   */
  drain(): UpdateLike[] {
    const ready: UpdateLike[] = [];
    for (const box of [...this.held.keys()]) this.releaseBox(box, ready);
    this.releaseBatches(ready);
    return ready;
  }

  /**
   * Gives up waiting on `box` (no difference can be fetched for it): delivers what is held, in
   * order, and moves the box to the last one.
   */
  forceRelease(box: SequenceBox | 'seq'): UpdateLike[] {
    const ready: UpdateLike[] = [];
    if (box === 'seq') {
      const batches = this.heldBatches.sort((a, b) => a.seqStart - b.seqStart);
      this.heldBatches = [];
      for (const batch of batches) if (batch.seq > this.seq) this.applyBatch(batch, ready);
      return ready;
    }
    const list = (this.held.get(box) ?? []).sort((a, b) => a.sequence.pts - b.sequence.pts);
    this.held.delete(box);
    for (const entry of list) {
      const local = this.boxValue(box);
      if (local !== undefined && entry.sequence.pts <= local) continue;
      this.setBox(box, entry.sequence.pts);
      ready.push(entry.update);
    }
    return ready;
  }

  private applyBatch(batch: UpdatesBatch, ready: UpdateLike[]): void {
    for (const update of batch.updates) this.applyOne(update, ready);
    this.seq = batch.seq;
    if (batch.date > this.date) this.date = batch.date;
  }

  private releaseBatches(ready: UpdateLike[]): void {
    let progressed = true;
    while (progressed && this.heldBatches.length > 0) {
      progressed = false;
      this.heldBatches.sort((a, b) => a.seqStart - b.seqStart);
      const next = this.heldBatches[0]!;
      if (next.seqStart <= this.seq) {
        this.heldBatches.shift();
        for (const update of next.updates) if (sequenceOf(update)) this.applyOne(update, ready);
        progressed = true;
      } else if (next.seqStart === this.seq + 1) {
        this.heldBatches.shift();
        this.applyBatch(next, ready);
        progressed = true;
      }
    }
  }

  private applyOne(update: UpdateLike, ready: UpdateLike[]): void {
    const sequence = sequenceOf(update);
    if (!sequence) {
      ready.push(update);
      return;
    }
    const local = this.boxValue(sequence.box);
    if (local === undefined) {
      // A channel we have no pts for yet: start tracking from here.
      this.setBox(sequence.box, sequence.pts);
      ready.push(update);
      return;
    }
    const expected = local + sequence.count;
    if (expected === sequence.pts) {
      this.setBox(sequence.box, sequence.pts);
      ready.push(update);
      this.releaseBox(sequence.box, ready);
    } else if (expected < sequence.pts) {
      const list = this.held.get(sequence.box) ?? [];
      if (!list.some((entry) => entry.sequence.pts === sequence.pts)) list.push({ sequence, update });
      this.held.set(sequence.box, list);
    }
    // expected > pts: already applied, drop.
  }

  private releaseBox(box: SequenceBox, ready: UpdateLike[]): void {
    const list = this.held.get(box);
    if (!list) return;
    let progressed = true;
    while (progressed && list.length > 0) {
      progressed = false;
      const local = this.boxValue(box) ?? 0;
      for (let i = 0; i < list.length; i++) {
        const entry = list[i]!;
        const expected = local + entry.sequence.count;
        if (expected > entry.sequence.pts) {
          list.splice(i, 1); // covered already
          progressed = true;
          break;
        }
        if (expected === entry.sequence.pts) {
          list.splice(i, 1);
          this.setBox(box, entry.sequence.pts);
          ready.push(entry.update);
          progressed = true;
          break;
        }
      }
    }
    if (list.length === 0) this.held.delete(box);
  }

  private boxValue(box: SequenceBox): number | undefined {
    if (box === 'common') return this.pts;
    if (box === 'qts') return this.qts;
    return this.channels.get(box.slice('channel:'.length));
  }

  private setBox(box: SequenceBox, value: number): void {
    if (box === 'common') this.pts = value;
    else if (box === 'qts') this.qts = value;
    else this.channels.set(box.slice('channel:'.length), value);
  }
}
