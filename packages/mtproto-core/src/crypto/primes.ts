/** Primality tests: a deterministic one for 64-bit values (pq factors) and Miller-Rabin for DH primes. */
import { modPowBigInt } from './mod-pow.js';
import type { CryptoProvider } from './provider.js';
import { randomBigIntInRange } from './random.js';

const SMALL_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n, 59n, 61n, 67n, 71n, 73n, 79n, 83n, 89n, 97n];
/** Miller-Rabin with these bases is exact for every n < 3.3·10^24 (Sorenson & Webster 2015). */
const DETERMINISTIC_BASES = [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n];
const DETERMINISTIC_LIMIT = 3317044064679887385961981n;

type ModPow = (base: bigint, exponent: bigint, modulus: bigint) => bigint;

/** One Miller-Rabin round for odd n > 3 with n - 1 = d·2^s. */
function millerRabinRound(n: bigint, d: bigint, s: number, a: bigint, modPow: ModPow): boolean {
  let x = modPow(a, d, n);
  if (x === 1n || x === n - 1n) return true;
  for (let r = 1; r < s; r++) {
    x = (x * x) % n;
    if (x === n - 1n) return true;
    if (x === 1n) return false;
  }
  return false;
}

function trialDivision(n: bigint): boolean | undefined {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  return undefined;
}

function decompose(n: bigint): { d: bigint; s: number } {
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  return { d, s };
}

/** Exact primality for n < 3.3·10^24 (covers every 64-bit pq factor). */
export function isPrimeSmall(n: bigint): boolean {
  if (n >= DETERMINISTIC_LIMIT) throw new RangeError('isPrimeSmall is exact only below 3.3e24');
  const quick = trialDivision(n);
  if (quick !== undefined) return quick;
  const { d, s } = decompose(n);
  return DETERMINISTIC_BASES.every((a) => millerRabinRound(n, d, s, a, modPowBigInt));
}

/**
 * Probabilistic primality (error below 4^-rounds) with random bases from `crypto` and its modPow.
 */
export function isProbablePrime(crypto: Pick<CryptoProvider, 'randomFill' | 'modPow'>, n: bigint, rounds = 20): boolean {
  const quick = trialDivision(n);
  if (quick !== undefined) return quick;
  if (n < DETERMINISTIC_LIMIT) return isPrimeSmall(n);
  const { d, s } = decompose(n);
  const modPow: ModPow = (b, e, m) => crypto.modPow(b, e, m);
  for (let i = 0; i < rounds; i++) {
    if (!millerRabinRound(n, d, s, randomBigIntInRange(crypto, 2n, n - 2n), modPow)) return false;
  }
  return true;
}

/**
 * p is a safe prime: q = (p-1)/2 passes Miller-Rabin, and then p itself is proven prime by
 * Pocklington's criterion (q is a prime factor of p-1 above sqrt(p)): 2^(p-1) ≡ 1 (mod p) and
 * gcd(2^2 - 1, p) = 1. One modexp instead of another 20 rounds.
 */
export function isSafePrime(crypto: Pick<CryptoProvider, 'randomFill' | 'modPow'>, p: bigint, rounds = 20): boolean {
  if (p < 7n || (p & 3n) !== 3n) return p === 5n || p === 7n;
  if (p % 3n === 0n) return false;
  const q = (p - 1n) >> 1n;
  if (!isProbablePrime(crypto, q, rounds)) return false;
  return crypto.modPow(2n, p - 1n, p) === 1n;
}
