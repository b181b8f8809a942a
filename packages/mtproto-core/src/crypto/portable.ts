/**
 * The portable `CryptoProvider`: `@noble/hashes`, AES-IGE in our own WebAssembly (JS on
 * `@noble/ciphers`' round function where WebAssembly is missing), CTR on noble's round function, BigInt modexp, `fflate` gzip and WebCrypto randomness. Runs in browsers, Deno, Bun
 * and Node; no Node built-ins.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { JsAesCtrStream } from './aes-ctr.js';
import { aesIgeDecryptJs, aesIgeEncryptJs, checkIgeArguments } from './aes-ige.js';
import { aesIgeWasm } from './aes-ige-wasm.js';
import { gunzipJs, gzipJs } from './gzip.js';
import { modPowBigInt } from './mod-pow.js';
import type { AesCtrStream, CryptoProvider } from './provider.js';

/** getRandomValues refuses more than 65536 bytes per call. */
const RANDOM_CHUNK = 65536;

export function webCryptoRandomFill(target: Uint8Array): Uint8Array {
  const webCrypto = (globalThis as { crypto?: { getRandomValues?: <T extends ArrayBufferView>(a: T) => T } }).crypto;
  if (typeof webCrypto?.getRandomValues !== 'function') {
    throw new Error('no secure random source: globalThis.crypto.getRandomValues is missing');
  }
  for (let offset = 0; offset < target.length; offset += RANDOM_CHUNK) {
    webCrypto.getRandomValues(target.subarray(offset, Math.min(offset + RANDOM_CHUNK, target.length)));
  }
  return target;
}

function hashParts(hash: typeof sha256 | typeof sha1, parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return hash(parts[0]);
  const state = hash.create();
  for (const part of parts) state.update(part);
  return state.digest();
}

/** AES-256-IGE through WebAssembly when it is available (about 2x the JS code), else JS. */
export function aesIgePortable(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array {
  checkIgeArguments(data, key, iv);
  const viaWasm = key.length === 32 ? aesIgeWasm(data, key, iv, encrypt) : undefined;
  return viaWasm ?? (encrypt ? aesIgeEncryptJs(data, key, iv) : aesIgeDecryptJs(data, key, iv));
}

export const portableCryptoProvider: CryptoProvider = Object.freeze({
  name: 'portable',
  randomBytes: (length: number) => webCryptoRandomFill(new Uint8Array(length)),
  randomFill: webCryptoRandomFill,
  sha1: (...parts: Uint8Array[]) => hashParts(sha1, parts),
  sha256: (...parts: Uint8Array[]) => hashParts(sha256, parts),
  aesIgeEncrypt: (data: Uint8Array, key: Uint8Array, iv: Uint8Array) => aesIgePortable(data, key, iv, true),
  aesIgeDecrypt: (data: Uint8Array, key: Uint8Array, iv: Uint8Array) => aesIgePortable(data, key, iv, false),
  createAesCtr: (key: Uint8Array, iv: Uint8Array): AesCtrStream => new JsAesCtrStream(key, iv),
  modPow: modPowBigInt,
  gzip: gzipJs,
  gunzip: gunzipJs,
});
