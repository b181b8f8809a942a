/**
 * Client message ids (spec §7.4): about `server_unixtime * 2^32`, the low 32 bits carry the
 * fraction of the second, divisible by 4, strictly increasing within a session.
 */

export class MessageIdGenerator {
  /** Server time minus local time, in seconds (may be fractional). */
  timeOffset: number;
  private last = 0n;
  private readonly now: () => number;

  constructor(timeOffset = 0, now: () => number = Date.now) {
    this.timeOffset = timeOffset;
    this.now = now;
  }

  /** The next msg_id: never equal to or below a previous one, whatever the clock does. */
  next(): bigint {
    const ms = this.now() + this.timeOffset * 1000;
    const seconds = Math.floor(ms / 1000);
    // Fraction of the second scaled to 32 bits, low 2 bits cleared; never zero (spec §7.4).
    const fraction = (Math.floor((ms - seconds * 1000) * 4294967.296) & ~3) >>> 0 || 4;
    let id = (BigInt(seconds) << 32n) | BigInt(fraction);
    if (id <= this.last) id = this.last + 4n;
    this.last = id;
    return id;
  }

  /** Server time in seconds, as this generator sees it. */
  serverNow(): number {
    return (this.now() + this.timeOffset * 1000) / 1000;
  }

  /** Takes the server clock from a server msg_id (`msg_id >> 32` is its unix time). */
  syncFromServerMsgId(serverMsgId: bigint): void {
    this.timeOffset = Number(serverMsgId >> 32n) - Math.floor(this.now() / 1000);
  }

  /** Forgets the monotonic floor: only valid together with a new session id. */
  reset(): void {
    this.last = 0n;
  }
}

/** Unix seconds carried by a msg_id. */
export function msgIdSeconds(msgId: bigint): number {
  return Number(msgId >> 32n);
}
