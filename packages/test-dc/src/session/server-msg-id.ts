/**
 * Server msg_ids (protocol notes §7.4): ≈ unixtime·2^32 with the fraction of a second in the low
 * bits, strictly increasing per session; ≡ 1 (mod 4) for answers to a client message, ≡ 3 for
 * messages the server sends on its own.
 */
const CLOCK_STEP = 30n << 32n;

export class ServerMsgIds {
  private last = 0n;

  next(kind: 'response' | 'push', nowMs: number): bigint {
    const residue = kind === 'response' ? 1n : 3n;
    const seconds = BigInt(Math.floor(nowMs / 1000));
    const fraction = BigInt(Math.floor(((nowMs % 1000) / 1000) * 2 ** 32)) & ~3n;
    let id = (seconds << 32n) | fraction | residue;
    // Small steps back (a re-created session, a jittery clock) stay monotonic; a clock stepped back
    // by more than the 30 s a client tolerates (the clock-skew fault) is followed, as a real server's
    // msg_ids follow its clock.
    if (id <= this.last && this.last - id < CLOCK_STEP) {
      id = this.last - (this.last & 3n) + residue;
      if (id <= this.last) id += 4n;
    }
    this.last = id;
    return id;
  }
}

/** The unix time (seconds, fractional) a msg_id claims. */
export function msgIdTime(msgId: bigint): number {
  return Number(msgId >> 32n) + Number(msgId & 0xffffffffn) / 2 ** 32;
}
