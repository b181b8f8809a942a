/**
 * The server's crypto primitives, straight on node:crypto. Deliberately independent of the
 * client's CryptoProvider so that a bug there cannot hide behind the same bug here.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes as nodeRandomBytes, randomFillSync } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

export function sha1(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

export function randomBytes(length: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(length));
}

export function randomFill(target: Uint8Array): Uint8Array {
  randomFillSync(target);
  return target;
}

/** AES-256-IGE encrypt (OpenSSL layout: iv = c_prev ‖ p_prev). */
export function aesIgeEncrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkIge(data, key, iv);
  const cipher = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = new Uint8Array(data.length);
  const block = new Uint8Array(16);
  let cPrev = iv.subarray(0, 16);
  let pPrev = iv.subarray(16, 32);
  for (let offset = 0; offset < data.length; offset += 16) {
    const p = data.subarray(offset, offset + 16);
    for (let i = 0; i < 16; i++) block[i] = p[i] ^ cPrev[i];
    const encrypted = cipher.update(block);
    const c = out.subarray(offset, offset + 16);
    for (let i = 0; i < 16; i++) c[i] = encrypted[i] ^ pPrev[i];
    cPrev = c;
    pPrev = p;
  }
  return out;
}

/** AES-256-IGE decrypt. */
export function aesIgeDecrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkIge(data, key, iv);
  const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const out = new Uint8Array(data.length);
  const block = new Uint8Array(16);
  let cPrev = iv.subarray(0, 16);
  let pPrev = iv.subarray(16, 32);
  for (let offset = 0; offset < data.length; offset += 16) {
    const c = data.subarray(offset, offset + 16);
    for (let i = 0; i < 16; i++) block[i] = c[i] ^ pPrev[i];
    const decrypted = decipher.update(block);
    const p = out.subarray(offset, offset + 16);
    for (let i = 0; i < 16; i++) p[i] = decrypted[i] ^ cPrev[i];
    cPrev = c;
    pPrev = p;
  }
  return out;
}

function checkIge(data: Uint8Array, key: Uint8Array, iv: Uint8Array): void {
  if (data.length % 16 !== 0) throw new RangeError(`AES-IGE data must be a multiple of 16 bytes, got ${data.length}`);
  if (key.length !== 32 || iv.length !== 32) throw new RangeError('AES-IGE needs a 32-byte key and a 32-byte iv');
}

/** A long-lived AES-256-CTR stream; `process` works in place. */
export function createAesCtr(key: Uint8Array, iv: Uint8Array): { process(data: Uint8Array): Uint8Array } {
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return {
    process(data: Uint8Array): Uint8Array {
      const out = cipher.update(data);
      data.set(out);
      return data;
    },
  };
}

/** The subset of a CryptoProvider the core's obfuscation helpers need. */
export const obfuscationCrypto = {
  createAesCtr,
  sha256,
  randomFill,
};

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

export function gzip(data: Uint8Array): Uint8Array {
  return new Uint8Array(gzipSync(data));
}

/** gunzip that refuses to inflate past `maxOutput` bytes. */
export function gunzip(data: Uint8Array, maxOutput: number): Uint8Array {
  return new Uint8Array(gunzipSync(data, { maxOutputLength: maxOutput }));
}
