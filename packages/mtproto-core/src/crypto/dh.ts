/**
 * The Diffie-Hellman checks of the auth-key exchange (spec §6.5, TDLib `DhHandshake.cpp`):
 * a 2048-bit safe prime, a generator of the order-(p-1)/2 subgroup, and g_a / g_b strictly
 * inside (2^(2048-64), p - 2^(2048-64)).
 */
import { SecurityError } from '../errors.js';
import { isSafePrime } from './primes.js';
import type { CryptoProvider } from './provider.js';

/** Telegram's dh_prime (spec §6.5), a verified safe prime; known primes skip the primality test. */
export const TELEGRAM_DH_PRIME = BigInt(
  '0xc71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b',
);

const MIN_PRIME = 1n << 2047n;
const MAX_PRIME = 1n << 2048n;
/** TDLib's strict margin on both sides of g_a and g_b. */
const VALUE_MARGIN = 1n << (2048n - 64n);
/** Safe primes already proven in this process (and the built-in one). Bounded: servers use one. */
const provenSafePrimes = new Set<bigint>([TELEGRAM_DH_PRIME]);
const PROVEN_CACHE_LIMIT = 16;

/**
 * Whether g generates the subgroup of order (p-1)/2 of a safe prime p, by the table of spec §6.5
 * (quadratic reciprocity: g must be a quadratic residue mod p).
 */
export function isValidDhGenerator(g: number, dhPrime: bigint): boolean {
  switch (g) {
    case 2: return dhPrime % 8n === 7n;
    case 3: return dhPrime % 3n === 2n;
    case 4: return true;
    case 5: { const r = dhPrime % 5n; return r === 1n || r === 4n; }
    case 6: { const r = dhPrime % 24n; return r === 19n || r === 23n; }
    case 7: { const r = dhPrime % 7n; return r === 3n || r === 5n || r === 6n; }
    default: return false;
  }
}

/**
 * Checks dh_prime and g from server_DH_inner_data. Unknown primes are proven once (Miller-Rabin on
 * (p-1)/2, Pocklington on p) and remembered.
 * @throws SecurityError `SECURITY_DH_PRIME` or `SECURITY_DH_G`.
 */
export function checkDhParams(crypto: Pick<CryptoProvider, 'randomFill' | 'modPow'>, dhPrime: bigint, g: number): void {
  if (dhPrime <= MIN_PRIME || dhPrime >= MAX_PRIME) {
    throw new SecurityError('SECURITY_DH_PRIME', 'dh_prime is not a 2048-bit number');
  }
  if (!Number.isInteger(g) || !isValidDhGenerator(g, dhPrime)) {
    throw new SecurityError('SECURITY_DH_G', `g = ${g} does not generate the order-(p-1)/2 subgroup of dh_prime`);
  }
  if (provenSafePrimes.has(dhPrime)) return;
  if (!isSafePrime(crypto, dhPrime)) throw new SecurityError('SECURITY_DH_PRIME', 'dh_prime is not a safe prime');
  if (provenSafePrimes.size >= PROVEN_CACHE_LIMIT) provenSafePrimes.clear();
  provenSafePrimes.add(TELEGRAM_DH_PRIME);
  provenSafePrimes.add(dhPrime);
}

/**
 * Checks a DH public value (g_a from the server, or our g_b): 1 < value < p - 1 and the
 * recommended 2^(2048-64) < value < p - 2^(2048-64).
 * @throws SecurityError `SECURITY_DH_RANGE`.
 */
export function checkDhValue(value: bigint, dhPrime: bigint, name = 'g_a'): void {
  if (value <= 1n || value >= dhPrime - 1n) {
    throw new SecurityError('SECURITY_DH_RANGE', `${name} is outside 1 < ${name} < dh_prime - 1`);
  }
  if (value <= VALUE_MARGIN || value >= dhPrime - VALUE_MARGIN) {
    throw new SecurityError('SECURITY_DH_RANGE', `${name} is within 2^1984 of the ends of its range`);
  }
}
