// The optional AES-NI addon: it builds on this project's machines (Linux x64, a C compiler and
// Node's headers), loads, matches the JS implementation and the TDLib vectors, and the loader falls
// back cleanly when it is disabled.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { crc32 } from '../transport/crc32.js';
import { aesIgeDecryptJs, aesIgeEncryptJs } from './aes-ige.js';

const buildScript = fileURLToPath(new URL('./native/build.mjs', import.meta.url));
execFileSync(process.execPath, [buildScript], { stdio: 'ignore', env: { ...process.env, MTPROTO_NO_NATIVE: '' } });
const hasAesCpu = process.arch === 'x64' && /\baes\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

async function freshLoader() {
  vi.resetModules();
  return import('./aes-ige-native.node.js');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('AES-NI IGE addon', () => {
  it('is built and loaded on this machine kind (x64 with AES)', async () => {
    expect(hasAesCpu).toBe(true);
    const { nativeIge, nativeIgeStatus } = await freshLoader();
    expect(nativeIgeStatus).toBe('AES-NI addon');
    expect(nativeIge).toBeDefined();
  });

  it('matches the TDLib generated-data vectors and the JS implementation on random data', async () => {
    const { nativeIge } = await freshLoader();
    if (!nativeIge) throw new Error('addon not loaded');
    let seed = 1024;
    const bytes = new Uint8Array(1024 + 64);
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 123457567) + 987651241) >>> 0;
      bytes[i] = (seed >>> 23) & 255;
    }
    const [data, key, iv] = [bytes.subarray(0, 1024), bytes.subarray(1024, 1056), bytes.subarray(1056)];
    const ct = nativeIge.encrypt(data, key, iv, new Uint8Array(1024));
    expect(crc32(ct)).toBe(1545267325);
    expect(nativeIge.decrypt(ct, key, iv, new Uint8Array(1024))).toEqual(data);
    for (const length of [0, 16, 48, 4096, 65536 + 16]) {
      const [d, k, v] = [randomBytes(length), randomBytes(32), randomBytes(32)];
      const expected = aesIgeEncryptJs(d, k, v);
      expect(Buffer.from(nativeIge.encrypt(d, k, v, new Uint8Array(length))).equals(Buffer.from(expected))).toBe(true);
      expect(Buffer.from(nativeIge.decrypt(expected, k, v, new Uint8Array(length))).equals(d)).toBe(true);
      expect(Buffer.from(aesIgeDecryptJs(expected, k, v)).equals(d)).toBe(true);
      // in place
      const copy = Uint8Array.from(expected);
      nativeIge.decrypt(copy, k, v, copy);
      expect(Buffer.from(copy).equals(d)).toBe(true);
    }
  });

  it('rejects wrong sizes itself instead of reading out of bounds', async () => {
    const { nativeIge } = await freshLoader();
    if (!nativeIge) throw new Error('addon not loaded');
    const [k, v] = [new Uint8Array(32), new Uint8Array(32)];
    expect(() => nativeIge.encrypt(new Uint8Array(15), k, v, new Uint8Array(15))).toThrow(RangeError);
    expect(() => nativeIge.encrypt(new Uint8Array(16), k, v, new Uint8Array(32))).toThrow(RangeError);
    expect(() => nativeIge.decrypt(new Uint8Array(16), new Uint8Array(16), v, new Uint8Array(16))).toThrow(RangeError);
    expect(() => nativeIge.decrypt(new Uint8Array(16), k, new Uint8Array(31), new Uint8Array(16))).toThrow(RangeError);
    expect(() => (nativeIge.decrypt as (...a: unknown[]) => unknown)([1, 2], k, v, new Uint8Array(2))).toThrow(RangeError);
  });

  it('falls back when disabled, and the provider still gives the same answers', async () => {
    vi.stubEnv('MTPROTO_NO_NATIVE', '1');
    const { nativeIge, nativeIgeStatus } = await freshLoader();
    expect(nativeIge).toBeUndefined();
    expect(nativeIgeStatus).toBe('disabled by MTPROTO_NO_NATIVE');
    const { nodeCryptoProvider } = await import('./provider.node.js');
    const [d, k, v] = [randomBytes(4096), randomBytes(32), randomBytes(32)];
    expect(Buffer.from(nodeCryptoProvider.aesIgeEncrypt(d, k, v)).equals(Buffer.from(aesIgeEncryptJs(d, k, v)))).toBe(true);
  });
});
