/**
 * The inbound replay window (spec §7.6 step 7): the last `capacity` server msg_ids, sorted. A msg_id
 * equal to one of them is a duplicate; one below all of them, once the window is full, is too old
 * to tell and is refused too.
 */

export type ReceivedIdVerdict = 'new' | 'duplicate' | 'too-old';

export class ReceivedIds {
  private readonly ids: bigint[] = [];
  private readonly capacity: number;

  constructor(capacity = 512) {
    this.capacity = capacity;
  }

  check(msgId: bigint): ReceivedIdVerdict {
    const ids = this.ids;
    if (ids.length === 0) return 'new';
    if (msgId > ids[ids.length - 1]) return 'new';
    if (ids.length >= this.capacity && msgId < ids[0]) return 'too-old';
    return this.indexOf(msgId) >= 0 ? 'duplicate' : 'new';
  }

  /** Records a msg_id that passed `check`. Server ids mostly grow, so this is usually a push. */
  add(msgId: bigint): void {
    const ids = this.ids;
    if (ids.length === 0 || msgId > ids[ids.length - 1]) {
      ids.push(msgId);
    } else {
      let low = 0;
      let high = ids.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (ids[mid] < msgId) low = mid + 1;
        else high = mid;
      }
      if (ids[low] === msgId) return;
      ids.splice(low, 0, msgId);
    }
    if (ids.length > this.capacity) ids.shift();
  }

  has(msgId: bigint): boolean {
    return this.indexOf(msgId) >= 0;
  }

  /** Smallest and largest ids in the window, or undefined when empty. */
  get lowest(): bigint | undefined {
    return this.ids[0];
  }

  get highest(): bigint | undefined {
    return this.ids[this.ids.length - 1];
  }

  clear(): void {
    this.ids.length = 0;
  }

  private indexOf(msgId: bigint): number {
    const ids = this.ids;
    let low = 0;
    let high = ids.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = ids[mid];
      if (value === msgId) return mid;
      if (value < msgId) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }
}
