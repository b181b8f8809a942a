// Differential tests: the portable and Node providers agree on random inputs (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntToBytes } from './bigint.js';
import { TELEGRAM_DH_PRIME } from './dh.js';
import { portableCryptoProvider as js } from './portable.js';
import { createNodeCryptoProvider, nodeCryptoProvider as node } from './provider.node.js';

const nodeNoAddon = createNodeCryptoProvider({ nativeAddon: false });
import { telegramRsaKeys } from './telegram-keys.js';

const blocks = (max: number) => fc.integer({ min: 0, max }).chain((n) => fc.uint8Array({ minLength: n * 16, maxLength: n * 16 }));
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const iv16 = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('portable vs node', () => {
  it('AES-IGE encrypt/decrypt agree and round-trip (sizes across the CBC-trick threshold)', () => {
    fc.assert(
      fc.property(blocks(300), key32, key32, (data, key, iv) => {
        const a = js.aesIgeEncrypt(data, key, iv);
        const b = node.aesIgeEncrypt(data, key, iv);
        expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
        expect(Buffer.from(nodeNoAddon.aesIgeEncrypt(data, key, iv)).equals(Buffer.from(a))).toBe(true);
        expect(Buffer.from(nodeNoAddon.aesIgeDecrypt(a, key, iv)).equals(Buffer.from(data))).toBe(true);
        expect(Buffer.from(node.aesIgeDecrypt(a, key, iv)).equals(Buffer.from(data))).toBe(true);
        expect(Buffer.from(js.aesIgeDecrypt(b, key, iv)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('AES-CTR streams agree however the data is chunked', () => {
    fc.assert(
      fc.property(key32, iv16, fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 20 }), (key, iv, chunks) => {
        const a = js.createAesCtr(key, iv);
        const b = node.createAesCtr(key, iv);
        const joined = Buffer.concat(chunks);
        const whole = node.createAesCtr(key, iv).process(Uint8Array.from(joined));
        const pieces = chunks.map((c) => a.process(c.slice()));
        const nodePieces = chunks.map((c) => b.process(c.slice()));
        expect(Buffer.concat(pieces).equals(Buffer.from(whole))).toBe(true);
        expect(Buffer.concat(nodePieces).equals(Buffer.from(whole))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('SHA-1 and SHA-256 of several parts agree', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (parts) => {
        expect(Buffer.from(js.sha1(...parts)).equals(Buffer.from(node.sha1(...parts)))).toBe(true);
        expect(Buffer.from(js.sha256(...parts)).equals(Buffer.from(node.sha256(...parts)))).toBe(true);
      }),
    );
  });

  it('modPow agrees for DH-sized secrets, RSA-style public exponents and odd shapes', () => {
    const n = telegramRsaKeys().production.n;
    const big = fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => BigInt('0x' + Buffer.from(b).toString('hex')));
    fc.assert(
      fc.property(big, big, (base, exponent) => {
        expect(node.modPow(base, exponent, TELEGRAM_DH_PRIME)).toBe(js.modPow(base, exponent, TELEGRAM_DH_PRIME));
        expect(node.modPow(base % n, 65537n, n)).toBe(js.modPow(base % n, 65537n, n));
      }),
      { numRuns: 10 },
    );
    for (const [b, e, m] of [
      [0n, 5n, TELEGRAM_DH_PRIME],
      [1n, 1n << 2000n, TELEGRAM_DH_PRIME],
      [TELEGRAM_DH_PRIME - 1n, 3n, TELEGRAM_DH_PRIME],
      [5n, 0n, TELEGRAM_DH_PRIME],
      [-7n, 3n, 1000003n],
      [12345n, 678n, 1n << 64n],
      [3n, 1n << 70n, n],
      [TELEGRAM_DH_PRIME + 3n, 12345678901234567890123n, TELEGRAM_DH_PRIME],
    ] as const) {
      expect(node.modPow(b, e, m)).toBe(js.modPow(b, e, m));
    }
    expect(js.modPow(3n, 200n, 1000003n)).toBe(3n ** 200n % 1000003n);
    expect(js.modPow(2n, 10n, 1n)).toBe(0n);
  });

  it('gzip from one provider gunzips with the other', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (data) => {
        expect(Buffer.from(js.gunzip(node.gzip(data), data.length)).equals(Buffer.from(data))).toBe(true);
        expect(Buffer.from(node.gunzip(js.gzip(data), data.length)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('random sources fill the whole buffer, including past the 65536-byte getRandomValues limit', () => {
    for (const provider of [js, node]) {
      const out = provider.randomBytes(200_000);
      expect(out.length).toBe(200_000);
      // A zero run of 1 KiB anywhere would mean a chunk was left unfilled.
      for (let i = 0; i < out.length; i += 1024) expect(out.subarray(i, i + 1024).some((b) => b !== 0)).toBe(true);
      const target = new Uint8Array(70_000);
      expect(provider.randomFill(target)).toBe(target);
      expect(target.subarray(66_000).some((b) => b !== 0)).toBe(true);
    }
    expect(bigIntToBytes(1n, 1)).toEqual(Uint8Array.of(1));
  });
});
