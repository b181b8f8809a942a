/**
 * Diffie-Hellman parameters the server hands out (protocol notes §6.5): Telegram's real 2048-bit
 * safe prime with g = 3, and the range checks both sides apply to g_a / g_b.
 */
import { createDiffieHellman, randomBytes, type DiffieHellman } from 'node:crypto';
import { bigIntToBytes, bytesToBigInt } from '../util/bytes.js';

export const DH_PRIME_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b';

export const DH_PRIME = BigInt(`0x${DH_PRIME_HEX}`);
export const DH_PRIME_BYTES = new Uint8Array(Buffer.from(DH_PRIME_HEX, 'hex'));
export const DH_G = 3;

const SAFETY_MARGIN = 1n << (2048n - 64n);

/** 1 < x < p-1 and 2^(2048-64) < x < p - 2^(2048-64) (TDLib enforces the margin on both sides). */
export function isSafeDhValue(x: bigint, prime: bigint = DH_PRIME): boolean {
  return x > 1n && x < prime - 1n && x > SAFETY_MARGIN && x < prime - SAFETY_MARGIN;
}

export interface DhSecret {
  /** g^a mod p, 256 big-endian bytes. */
  readonly gA: Uint8Array;
  /** (g_b)^a mod p as 256 big-endian bytes. */
  computeSecret(gB: Uint8Array): Uint8Array;
}

/** One OpenSSL DH context for the prime: creating it runs a costly primality check, so it is shared. */
let shared: DiffieHellman | undefined;

function context(): DiffieHellman {
  shared ??= createDiffieHellman(DH_PRIME_BYTES, Uint8Array.of(DH_G));
  return shared;
}

/**
 * A fresh 2048-bit secret `a` (OpenSSL's modexp: fast), retried until g_a passes the range checks.
 * The shared context is re-keyed with `a` before each use (everything here is synchronous).
 */
export function generateDhSecret(): DhSecret {
  const dh = context();
  for (;;) {
    const a = randomBytes(256);
    dh.setPrivateKey(a);
    const gA = bytesToBigInt(dh.generateKeys());
    if (!isSafeDhValue(gA)) continue;
    return {
      gA: bigIntToBytes(gA, 256),
      computeSecret: (gB) => {
        dh.setPrivateKey(a);
        return bigIntToBytes(bytesToBigInt(dh.computeSecret(gB)), 256);
      },
    };
  }
}
