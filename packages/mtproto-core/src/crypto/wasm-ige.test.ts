// Our WebAssembly AES-IGE: same answers as the JS implementation and the TDLib vectors, and the
// committed binary is exactly what wasm/generate.mjs produces from its source.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../transport/crc32.js';
import { aesIgeDecryptJs, aesIgeEncryptJs } from './aes-ige.js';
import { aesIgeWasm, wasmIgeAvailable } from './aes-ige-wasm.js';

function tdlibCase(length: number): { data: Uint8Array; key: Uint8Array; iv: Uint8Array } {
  let seed = length;
  const all = new Uint8Array(length + 64);
  for (let i = 0; i < all.length; i++) {
    seed = (Math.imul(seed, 123457567) + 987651241) >>> 0;
    all[i] = (seed >>> 23) & 255;
  }
  return { data: all.subarray(0, length), key: all.subarray(length, length + 32), iv: all.subarray(length + 32) };
}

describe('WebAssembly AES-256-IGE', () => {
  it('is available under Node', () => {
    expect(wasmIgeAvailable()).toBe(true);
  });

  it.each([
    [0, 0],
    [16, 2045698207],
    [32, 2423540300],
    [256, 525522475],
    [1024, 1545267325],
    [65536, 724143417],
  ])('TDLib AesIgeState CRC32 for L = %i', (length, expected) => {
    const { data, key, iv } = tdlibCase(length);
    const ct = aesIgeWasm(data, key, iv, true)!;
    expect(crc32(ct)).toBe(expected);
    expect(Buffer.from(aesIgeWasm(ct, key, iv, false)!).equals(Buffer.from(data))).toBe(true);
  });

  it('agrees with the JS implementation on random data, growing its memory for large inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }).chain((n) => fc.uint8Array({ minLength: n * 16, maxLength: n * 16 })),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (data, key, iv) => {
          const ct = aesIgeWasm(data, key, iv, true)!;
          expect(Buffer.from(ct).equals(Buffer.from(aesIgeEncryptJs(data, key, iv)))).toBe(true);
          expect(Buffer.from(aesIgeWasm(ct, key, iv, false)!).equals(Buffer.from(aesIgeDecryptJs(ct, key, iv)))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    const [big, key, iv] = [randomBytes(3 << 20), randomBytes(32), randomBytes(32)];
    expect(Buffer.from(aesIgeWasm(big, key, iv, false)!).equals(Buffer.from(aesIgeDecryptJs(big, key, iv)))).toBe(true);
  });

  it('the committed aes-ige.wat / aes-ige-wasm.ts are what the generator produces', () => {
    const generator = fileURLToPath(new URL('./wasm/generate.mjs', import.meta.url));
    expect(() => execFileSync(process.execPath, [generator, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
