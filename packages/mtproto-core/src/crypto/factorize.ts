/**
 * Factorisation of the handshake's pq (spec §6.2 step 3): a product of two primes near 2^31.
 *
 * First SQUFOF (Shanks' square forms), whose state stays below 2^40 and so runs on plain doubles
 * with no BigInt in the loop: about N^(1/4) cheap iterations, several times faster than
 * Pollard-rho on BigInt for 63-bit N. If every multiplier fails (rare), Pollard-rho with Brent's
 * cycle detection and batched gcds on BigInt finishes the job.
 */
import { SecurityError } from '../errors.js';
import { isPrimeSmall } from './primes.js';

/** Square-free multipliers (products of 3, 5, 7, 11), the usual racing set for SQUFOF. */
const MULTIPLIERS = [1, 3, 5, 7, 11, 15, 21, 33, 35, 55, 77, 105, 165, 231, 385, 1155];
const MAX_PQ = 1n << 64n;

/**
 * Splits pq into [p, q] with p <= q, both prime.
 * @throws SecurityError `SECURITY_PQ` when pq is not below 2^64 or not a product of two primes.
 */
export function factorizePq(pq: bigint): [bigint, bigint] {
  if (pq < 4n || pq >= MAX_PQ) throw new SecurityError('SECURITY_PQ', 'pq must be a product of two primes below 2^64');
  if (isPrimeSmall(pq)) throw new SecurityError('SECURITY_PQ', 'pq is prime');
  const p = findFactor(pq);
  const q = pq / p;
  if (p * q !== pq || !isPrimeSmall(p) || !isPrimeSmall(q)) {
    throw new SecurityError('SECURITY_PQ', 'pq is not a product of exactly two primes');
  }
  return p < q ? [p, q] : [q, p];
}

/** A non-trivial factor of a composite n < 2^64. */
export function findFactor(n: bigint): bigint {
  if ((n & 1n) === 0n) return 2n;
  const root = isqrt(n);
  if (root * root === n) return root;
  for (const small of [3n, 5n, 7n, 11n, 13n]) if (n % small === 0n) return small;
  return squfof(n) ?? pollardBrent(n);
}

function squfof(n: bigint): bigint | undefined {
  for (const k of MULTIPLIERS) {
    const factor = squfofWithMultiplier(n, BigInt(k));
    if (factor !== undefined) return factor;
  }
  return undefined;
}

function squfofWithMultiplier(n: bigint, k: bigint): bigint | undefined {
  const kn = k * n;
  const p0Big = isqrt(kn);
  const q1Big = kn - p0Big * p0Big;
  if (q1Big === 0n) return undefined;
  const p0 = Number(p0Big);
  // Iteration bound 3·L with L = 2·sqrt(2·sqrt(kN)), as usual for SQUFOF.
  const bound = 3 * 2 * Math.floor(Math.sqrt(2 * p0));
  // Forward: cycle through the forms until Q is a square at an even step.
  let pPrev = p0;
  let p = p0;
  let qPrev = 1;
  let q = Number(q1Big);
  let r = 0;
  let i = 2;
  for (; i < bound; i++) {
    const b = Math.floor((p0 + p) / q);
    p = b * q - p;
    const qOld = q;
    q = qPrev + b * (pPrev - p);
    if ((i & 1) === 0) {
      r = Math.floor(Math.sqrt(q));
      if (r * r === q) break;
    }
    qPrev = qOld;
    pPrev = p;
  }
  if (i >= bound) return undefined;
  // Reverse: from the square root form, cycle until P repeats; then Q holds a factor of kN.
  const b0 = Math.floor((p0 - p) / r);
  p = b0 * r + p;
  pPrev = p;
  qPrev = r;
  q = Number((kn - BigInt(p) * BigInt(p)) / BigInt(r));
  for (let j = 0; j < bound; j++) {
    const b = Math.floor((p0 + p) / q);
    pPrev = p;
    p = b * q - p;
    const qOld = q;
    q = qPrev + b * (pPrev - p);
    qPrev = qOld;
    if (p === pPrev) {
      const factor = gcd(n, BigInt(qPrev));
      return factor !== 1n && factor !== n ? factor : undefined;
    }
  }
  return undefined;
}

/** Pollard-rho with Brent's cycle detection, multiplying 128 differences per gcd. */
function pollardBrent(n: bigint): bigint {
  const BATCH = 128;
  for (let c = 1n; c < 64n; c++) {
    let y = 2n;
    let x = y;
    let ys = y;
    let q = 1n;
    let g = 1n;
    for (let r = 1; g === 1n && r < 1 << 26; r *= 2) {
      x = y;
      for (let i = 0; i < r; i++) y = (y * y + c) % n;
      for (let k = 0; k < r && g === 1n; k += BATCH) {
        ys = y;
        const steps = Math.min(BATCH, r - k);
        for (let i = 0; i < steps; i++) {
          y = (y * y + c) % n;
          q = (q * (x > y ? x - y : y - x)) % n;
        }
        g = gcd(q, n);
      }
    }
    if (g === n) {
      // The batch overshot: redo it one step at a time.
      do {
        ys = (ys * ys + c) % n;
        g = gcd(x > ys ? x - ys : ys - x, n);
      } while (g === 1n);
    }
    if (g !== n && g !== 1n) return g;
  }
  throw new SecurityError('SECURITY_PQ', 'pq could not be factorised');
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** floor(sqrt(n)) for n >= 0, exact for any size. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Newton from an estimate at or above the root (a double estimate when n fits a double).
  const estimate = n < 1n << 1000n ? Math.sqrt(Number(n)) : Infinity;
  let x = Number.isFinite(estimate) ? BigInt(Math.ceil(estimate)) + 1n : 1n << BigInt((n.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}
