/**
 * Secure random bytes for padding, drawn from the crypto provider in 4 KiB batches: a system call
 * per message costs more than the rest of a small message's framing.
 */
import type { CryptoProvider } from '../crypto/provider.js';

export class RandomPool {
  private readonly pool: Uint8Array;
  private position: number;
  private readonly crypto: CryptoProvider;

  constructor(crypto: CryptoProvider, size = 4096) {
    this.crypto = crypto;
    this.pool = new Uint8Array(size);
    this.position = size;
  }

  /** Fills `target` (at most the pool size) with fresh random bytes; each pool byte is used once. */
  fill(target: Uint8Array): Uint8Array {
    const length = target.length;
    if (length > this.pool.length) return this.crypto.randomFill(target);
    if (this.position + length > this.pool.length) {
      this.crypto.randomFill(this.pool);
      this.position = 0;
    }
    target.set(this.pool.subarray(this.position, this.position + length));
    this.position += length;
    return target;
  }
}
