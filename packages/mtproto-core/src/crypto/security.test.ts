// Every security check of the crypto layer fed a bad value (spec §6.5, §6.6, §7.6), plus the
// typed errors for bad input (gzip bombs, malformed keys).
import { generatePrimeSync, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProtocolError, SecurityError } from '../errors.js';
import { constantTimeEqual } from './constant-time.js';
import { checkDhParams, checkDhValue, isValidDhGenerator, TELEGRAM_DH_PRIME } from './dh.js';
import { factorizePq } from './factorize.js';
import { portableCryptoProvider } from './portable.js';
import { isPrimeSmall, isProbablePrime, isSafePrime } from './primes.js';
import { createNodeCryptoProvider, nodeCryptoProvider } from './provider.node.js';
import type { CryptoProvider } from './provider.js';
import { parseRsaPublicKey, parseRsaPublicKeyPem, rsaEncryptRaw, rsaPad } from './rsa.js';
import { TELEGRAM_PRODUCTION_RSA_FINGERPRINT, TELEGRAM_PRODUCTION_RSA_PEM, telegramRsaKeys } from './telegram-keys.js';

const providers: CryptoProvider[] = [portableCryptoProvider, nodeCryptoProvider, createNodeCryptoProvider({ nativeAddon: false })];
const P = TELEGRAM_DH_PRIME;
const MARGIN = 1n << 1984n;

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SecurityError || error instanceof ProtocolError ? error.code : `other: ${String(error)}`;
  }
  return undefined;
}

describe('DH parameter checks', () => {
  it('g conditions table of spec §6.5 on the Telegram prime (valid: 3, 4, 7)', () => {
    expect([2, 3, 4, 5, 6, 7].filter((g) => isValidDhGenerator(g, P))).toEqual([3, 4, 7]);
    for (const g of [2, 5, 6, 0, 1, 8, -3, 2.5]) expect(code(() => checkDhParams(portableCryptoProvider, P, g))).toBe('SECURITY_DH_G');
    for (const g of [3, 4, 7]) expect(code(() => checkDhParams(portableCryptoProvider, P, g))).toBeUndefined();
  });

  it('g conditions on primes chosen for each residue class', () => {
    // p = 23: 23 mod 8 = 7 (g=2 ok), 23 mod 3 = 2 (g=3 ok), 23 mod 5 = 3 (g=5 no), 23 mod 24 = 23 (g=6 ok), 23 mod 7 = 2 (g=7 no)
    expect([2, 3, 5, 6, 7].map((g) => isValidDhGenerator(g, 23n))).toEqual([true, true, false, true, false]);
    // p = 59: mod 8 = 3, mod 3 = 2, mod 5 = 4, mod 24 = 11, mod 7 = 3
    expect([2, 3, 5, 6, 7].map((g) => isValidDhGenerator(g, 59n))).toEqual([false, true, true, false, true]);
  });

  it('rejects a prime outside (2^2047, 2^2048)', () => {
    expect(code(() => checkDhParams(portableCryptoProvider, 1n << 2047n, 3))).toBe('SECURITY_DH_PRIME');
    expect(code(() => checkDhParams(portableCryptoProvider, P >> 1n, 3))).toBe('SECURITY_DH_PRIME');
    expect(code(() => checkDhParams(portableCryptoProvider, (1n << 2048n) + 11n, 3))).toBe('SECURITY_DH_PRIME');
  });

  it.each(providers)('rejects a composite 2048-bit "prime" and a prime that is not safe ($name)', (crypto) => {
    // P + 2 is even-free but composite (divisible by 3 would fail g anyway: pick P + 24·k with P's residues).
    let composite = P + 840n; // same residues mod 8, 3, 5, 7 as P, so only primality can fail
    while (isProbablePrime(crypto, composite, 2)) composite += 840n;
    expect(code(() => checkDhParams(crypto, composite, 3))).toBe('SECURITY_DH_PRIME');
    let unsafe = generatePrimeSync(2048, { bigint: true });
    while (unsafe % 3n !== 2n || unsafe <= 1n << 2047n) unsafe = generatePrimeSync(2048, { bigint: true });
    expect(isProbablePrime(crypto, unsafe)).toBe(true);
    expect(code(() => checkDhParams(crypto, unsafe, 3))).toBe('SECURITY_DH_PRIME');
  });

  it.each(providers)('proves safe primes without the known-prime table ($name)', (crypto) => {
    expect(isSafePrime(crypto, P)).toBe(true);
    expect([5n, 7n, 11n, 23n, 47n, 59n, 83n, 107n, 1019n].every((p) => isSafePrime(crypto, p))).toBe(true);
    expect([2n, 3n, 13n, 17n, 29n, 31n, 1021n, 561n].some((p) => isSafePrime(crypto, p))).toBe(false);
  });

  it('g_a / g_b range incl. the 2^(2048-64) margin', () => {
    for (const bad of [0n, 1n, 2n, MARGIN, P - MARGIN, P - 2n, P - 1n, P, P + 5n, -5n]) {
      expect(code(() => checkDhValue(bad, P, 'g_a'))).toBe('SECURITY_DH_RANGE');
    }
    for (const good of [MARGIN + 1n, P - MARGIN - 1n, P >> 1n]) expect(code(() => checkDhValue(good, P, 'g_b'))).toBeUndefined();
  });
});

describe('pq factorisation checks', () => {
  it('rejects a prime, a product of three primes, tiny and oversized values', () => {
    expect(code(() => factorizePq(1000000007n))).toBe('SECURITY_PQ');
    expect(code(() => factorizePq(1000003n * 1000033n * 1009n))).toBe('SECURITY_PQ');
    expect(code(() => factorizePq(1n))).toBe('SECURITY_PQ');
    expect(code(() => factorizePq(0n))).toBe('SECURITY_PQ');
    expect(code(() => factorizePq(1n << 64n))).toBe('SECURITY_PQ');
    expect(code(() => factorizePq(4294967291n * 4294967279n * 4n))).toBe('SECURITY_PQ');
  });

  it('factorises 50 random 63-bit products of two ~31-bit primes, and a few edge shapes', () => {
    const randomPrime = (): bigint => {
      for (;;) {
        const candidate = (1n << 30n) + BigInt(Math.floor(Math.random() * 2 ** 31)) | 1n;
        if (isPrimeSmall(candidate)) return candidate;
      }
    };
    for (let i = 0; i < 50; i++) {
      const [a, b] = [randomPrime(), randomPrime()];
      expect(factorizePq(a * b)).toEqual(a < b ? [a, b] : [b, a]);
    }
    expect(factorizePq(2n * 1000000007n)).toEqual([2n, 1000000007n]);
    expect(factorizePq(4294967291n * 4294967291n)).toEqual([4294967291n, 4294967291n]);
    expect(factorizePq(4294967291n * 4294967279n)).toEqual([4294967279n, 4294967291n]);
    expect(factorizePq(3n * 6148914691236517199n)).toEqual([3n, 6148914691236517199n]);
  });
});

describe('constant-time comparison', () => {
  it('is false for a different length or any single differing bit', () => {
    const a = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect(constantTimeEqual(a, a.slice())).toBe(true);
    expect(constantTimeEqual(a, a.subarray(0, 15))).toBe(false);
    for (let i = 0; i < 16 * 8; i++) {
      const b = a.slice();
      b[i >> 3] ^= 1 << (i & 7);
      expect(constantTimeEqual(a, b)).toBe(false);
    }
  });
});

describe.each(providers)('RSA input checks ($name)', (crypto) => {
  it('RSA_PAD refuses more than 144 bytes; raw RSA refuses input >= n', () => {
    const key = telegramRsaKeys().production;
    expect(() => rsaPad(crypto, new Uint8Array(145), key)).toThrow(RangeError);
    expect(rsaPad(crypto, new Uint8Array(144), key).length).toBe(256);
    const n = new Uint8Array(256);
    n.fill(0xff);
    expect(() => rsaEncryptRaw(crypto, n, key)).toThrow(RangeError);
  });

  it('RSA_PAD gives up on a random source that never yields a block below n', () => {
    // With n just above 2^2047 every block whose top bit is set is too large; a stuck random source
    // produces the same block on every attempt.
    const key = { n: (1n << 2047n) + 1n, e: 65537n };
    const stuckSources = [0x00, 0x01, 0x02, 0x03].map((fill) => (length: number) => new Uint8Array(length).fill(fill));
    const outcomes = stuckSources.map((random) => code(() => rsaPad(crypto, new Uint8Array(10), key, random)));
    expect(outcomes).toContain('SECURITY_RSA_PAD');
  });

  it('parses SPKI "PUBLIC KEY" to the same key; rejects malformed PEM/DER', () => {
    const spki = createPublicKey(TELEGRAM_PRODUCTION_RSA_PEM).export({ type: 'spki', format: 'pem' }).toString();
    expect(spki).toContain('BEGIN PUBLIC KEY');
    expect(parseRsaPublicKey(crypto, spki).fingerprint).toBe(TELEGRAM_PRODUCTION_RSA_FINGERPRINT);
    expect(() => parseRsaPublicKeyPem('hello')).toThrow(TypeError);
    expect(() => parseRsaPublicKeyPem('-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----')).toThrow(TypeError);
    const truncated = TELEGRAM_PRODUCTION_RSA_PEM.replace('5+bfo3Nhmcyvk5ftB0WkJ9z6bNZ7yxrP8wIDAQAB\n', '');
    expect(() => parseRsaPublicKeyPem(truncated)).toThrow(TypeError);
    const ec = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() => parseRsaPublicKeyPem(ec)).toThrow(/not an RSA key/);
  });
});

describe.each(providers)('gunzip bounds ($name)', (crypto) => {
  it('round-trips, and turns a bomb, corrupt or truncated data into typed errors', () => {
    const text = new TextEncoder().encode('gzip_packed '.repeat(1000));
    const packed = crypto.gzip(text);
    expect(crypto.gunzip(packed, text.length)).toEqual(text);
    expect(code(() => crypto.gunzip(packed, text.length - 1))).toBe('GZIP_TOO_LARGE');
    const bomb = crypto.gzip(new Uint8Array(64 << 20));
    expect(bomb.length).toBeLessThan(128 << 10);
    expect(code(() => crypto.gunzip(bomb, 1 << 20))).toBe('GZIP_TOO_LARGE');
    expect(code(() => crypto.gunzip(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 1000))).toBe('GZIP_CORRUPT');
    expect(code(() => crypto.gunzip(packed.subarray(0, packed.length >> 1), 1 << 20))).toBe('GZIP_CORRUPT');
    expect(code(() => crypto.gunzip(new Uint8Array(0), 1000))).toBe('GZIP_CORRUPT');
    expect(crypto.gunzip(crypto.gzip(new Uint8Array(0)), 0)).toEqual(new Uint8Array(0));
    expect(code(() => crypto.gunzip(crypto.gzip(new Uint8Array(1)), 0))).toBe('GZIP_TOO_LARGE');
  });
});
