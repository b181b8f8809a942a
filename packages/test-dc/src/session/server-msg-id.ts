/**
 * Server msg_ids (protocol notes §7.4): ≈ unixtime·2^32 with the fraction of a second in the low
 * bits, strictly increasing per session; ≡ 1 (mod 4) for answers to a client message, ≡ 3 for
 * messages the server sends on its own.
 */
export class ServerMsgIds {
  private last = 0n;

  next(kind: 'response' | 'push', nowMs: number): bigint {
    const residue = kind === 'response' ? 1n : 3n;
    const seconds = BigInt(Math.floor(nowMs / 1000));
    const fraction = BigInt(Math.floor(((nowMs % 1000) / 1000) * 2 ** 32)) & ~3n;
    let id = (seconds << 32n) | fraction | residue;
    if (id <= this.last) {
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
