/**
 * AES-256-IGE in plain JS on top of noble's AES round function (`@noble/ciphers` `unsafe`), which
 * works on little-endian u32 words. The chaining state lives in local variables: no allocation per
 * block, only the output buffer and one key schedule per call (MTProto uses a fresh key per
 * message anyway).
 *
 * Convention (spec §7.3, OpenSSL `AES_ige_encrypt`): iv = c_prev (16 bytes) ‖ p_prev (16 bytes);
 * c_i = E(p_i ⊕ c_prev) ⊕ p_prev and p_i = D(c_i ⊕ p_prev) ⊕ c_prev.
 */
import { unsafe } from '@noble/ciphers/aes.js';

const IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Validates the IGE arguments the way every provider does. */
export function checkIgeArguments(data: Uint8Array, key: Uint8Array, iv: Uint8Array): void {
  // MTProto only uses AES-256; 128-bit keys are accepted so OpenSSL's igetest vectors apply too.
  if (key.length !== 32 && key.length !== 16) throw new RangeError(`AES-IGE needs a 32-byte (or 16-byte) key, got ${key.length}`);
  if (iv.length !== 32) throw new RangeError(`AES-256-IGE needs a 32-byte IV, got ${iv.length}`);
  if (data.length % 16 !== 0) throw new RangeError(`AES-IGE data must be a multiple of 16 bytes, got ${data.length}`);
}

/** AES-256-IGE encryption into a new buffer (or `output`, which may be `data` itself). */
export function aesIgeEncryptJs(data: Uint8Array, key: Uint8Array, iv: Uint8Array, output?: Uint8Array): Uint8Array {
  checkIgeArguments(data, key, iv);
  const out = output ?? new Uint8Array(data.length);
  const { input, words } = wordViews(data, out);
  const ivWords = readIv(iv);
  const xk = unsafe.expandKeyLE(key);
  const encrypt = unsafe.encrypt;
  let c0 = ivWords[0], c1 = ivWords[1], c2 = ivWords[2], c3 = ivWords[3];
  let p0 = ivWords[4], p1 = ivWords[5], p2 = ivWords[6], p3 = ivWords[7];
  for (let i = 0; i < input.length; i += 4) {
    const x0 = input[i], x1 = input[i + 1], x2 = input[i + 2], x3 = input[i + 3];
    const y = encrypt(xk, x0 ^ c0, x1 ^ c1, x2 ^ c2, x3 ^ c3);
    c0 = y.s0 ^ p0; c1 = y.s1 ^ p1; c2 = y.s2 ^ p2; c3 = y.s3 ^ p3;
    words[i] = c0; words[i + 1] = c1; words[i + 2] = c2; words[i + 3] = c3;
    p0 = x0; p1 = x1; p2 = x2; p3 = x3;
  }
  xk.fill(0);
  return finish(words, out);
}

/** AES-256-IGE decryption into a new buffer (or `output`, which may be `data` itself). */
export function aesIgeDecryptJs(data: Uint8Array, key: Uint8Array, iv: Uint8Array, output?: Uint8Array): Uint8Array {
  checkIgeArguments(data, key, iv);
  const out = output ?? new Uint8Array(data.length);
  const { input, words } = wordViews(data, out);
  const ivWords = readIv(iv);
  const xk = unsafe.expandKeyDecLE(key);
  const decrypt = unsafe.decrypt;
  let c0 = ivWords[0], c1 = ivWords[1], c2 = ivWords[2], c3 = ivWords[3];
  let p0 = ivWords[4], p1 = ivWords[5], p2 = ivWords[6], p3 = ivWords[7];
  for (let i = 0; i < input.length; i += 4) {
    const x0 = input[i], x1 = input[i + 1], x2 = input[i + 2], x3 = input[i + 3];
    const y = decrypt(xk, x0 ^ p0, x1 ^ p1, x2 ^ p2, x3 ^ p3);
    p0 = y.s0 ^ c0; p1 = y.s1 ^ c1; p2 = y.s2 ^ c2; p3 = y.s3 ^ c3;
    words[i] = p0; words[i + 1] = p1; words[i + 2] = p2; words[i + 3] = p3;
    c0 = x0; c1 = x1; c2 = x2; c3 = x3;
  }
  xk.fill(0);
  return finish(words, out);
}

/**
 * Little-endian u32 views of input and output. Aligned buffers are viewed directly; a misaligned
 * (or big-endian) one goes through an aligned copy. When input and output are the same bytes the
 * input is read before the output word at the same index is written, so in-place works.
 */
function wordViews(data: Uint8Array, out: Uint8Array): { input: Uint32Array; words: Uint32Array } {
  if (out.length !== data.length) throw new RangeError('output must be as long as the input');
  const input = toWords(data);
  const words = IS_LITTLE_ENDIAN && out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, out.length >> 2) : new Uint32Array(out.length >> 2);
  return { input, words };
}

function toWords(bytes: Uint8Array): Uint32Array {
  if (IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
  const words = new Uint32Array(bytes.length >> 2);
  for (let i = 0, j = 0; i < words.length; i++, j += 4) {
    words[i] = (bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24)) >>> 0;
  }
  return words;
}

function readIv(iv: Uint8Array): Uint32Array {
  return toWords(iv).slice();
}

/** Copies `words` into `out` when they are not already a view of it. */
function finish(words: Uint32Array, out: Uint8Array): Uint8Array {
  if (words.buffer === out.buffer && words.byteOffset === out.byteOffset) return out;
  for (let i = 0, j = 0; i < words.length; i++, j += 4) {
    const w = words[i];
    out[j] = w; out[j + 1] = w >>> 8; out[j + 2] = w >>> 16; out[j + 3] = w >>> 24;
  }
  return out;
}
