/** Uniform secure random BigInts (rejection sampling, so no modulo bias). */
import { bitLength, bytesToBigInt } from './bigint.js';
import type { CryptoProvider } from './provider.js';

/** A uniform random integer in [0, upper). */
export function randomBigIntBelow(crypto: Pick<CryptoProvider, 'randomFill'>, upper: bigint): bigint {
  if (upper <= 0n) throw new RangeError('upper bound must be positive');
  const bits = bitLength(upper - 1n);
  if (bits === 0) return 0n;
  const bytes = new Uint8Array((bits + 7) >> 3);
  const topMask = 0xff >> (bytes.length * 8 - bits);
  for (;;) {
    crypto.randomFill(bytes);
    bytes[0] &= topMask;
    const value = bytesToBigInt(bytes);
    if (value < upper) return value;
  }
}

/** A uniform random integer in [min, max] (both inclusive). */
export function randomBigIntInRange(crypto: Pick<CryptoProvider, 'randomFill'>, min: bigint, max: bigint): bigint {
  if (max < min) throw new RangeError('empty range');
  return min + randomBigIntBelow(crypto, max - min + 1n);
}
