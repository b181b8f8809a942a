/** The pq challenge of resPQ: a product of two distinct random primes of about 31 bits (p < q). */
import { randomBytes } from '../crypto/node-crypto.js';

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

function randomPrime(): number {
  for (;;) {
    const bytes = randomBytes(4);
    // 2^30 <= n < 2^31, odd.
    const n = ((((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 1) | 0x40000001) >>> 0;
    if (isPrime(n)) return n;
  }
}

export function generatePq(): { p: bigint; q: bigint; pq: bigint } {
  let a = randomPrime();
  let b = randomPrime();
  while (b === a) b = randomPrime();
  if (a > b) [a, b] = [b, a];
  return { p: BigInt(a), q: BigInt(b), pq: BigInt(a) * BigInt(b) };
}
