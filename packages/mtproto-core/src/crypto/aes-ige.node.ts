/**
 * AES-256-IGE encryption on Node as one native AES-256-CBC call between two XOR passes.
 *
 * With y_i = E(p_i ⊕ c_{i-1}) we have c_i = y_i ⊕ p_{i-1}, and substituting c_{i-1} gives
 * y_i = E(x_i ⊕ y_{i-1}) where x_i = p_i ⊕ p_{i-2}. That is plain CBC over x with IV iv[0..16),
 * taking p_{-1} = 0 and p_0 = iv[16..32). So: x = p ⊕ (p shifted by two blocks), y = CBC(x),
 * c = y ⊕ (p shifted by one block). OpenSSL runs the CBC part with AES-NI.
 *
 * Decryption has no such rewrite (its chaining passes through the input of D), see aes-ige-decrypt.
 */
import { createCipheriv } from 'node:crypto';
import { aesIgeEncryptJs, checkIgeArguments } from './aes-ige.js';

/**
 * Below this size the fixed cost of createCipheriv (~3.5 µs) loses to the JS cipher. Measured with
 * `pnpm bench` on this project's machine: the crossover is between 256 and 512 bytes.
 */
export const CBC_TRICK_MIN_BYTES = 384;

export function aesIgeEncryptNode(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  checkIgeArguments(data, key, iv);
  const n = data.length;
  if (n < CBC_TRICK_MIN_BYTES) return aesIgeEncryptJs(data, key, iv);

  // Pass 1: x_i = p_i ⊕ p_{i-2}, with p_0 = iv[16..32) and p_{-1} = 0. x lives in a reused scratch
  // buffer (no allocation and zero-fill per message); it is cleared after use.
  const x = scratch(n);
  x.set(data.subarray(0, 16), 0);
  for (let j = 0; j < 16; j++) x[16 + j] = data[16 + j] ^ iv[16 + j];
  xorShifted(x, data, 32, 32);

  // Pass 2: CBC encryption with IV iv[0..16), no padding.
  const cipher = createCipheriv(key.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc', key, iv.subarray(0, 16));
  cipher.setAutoPadding(false);
  const y = cipher.update(x);
  cipher.final();

  // Pass 3: c_i = y_i ⊕ p_{i-1}, with p_0 = iv[16..32).
  for (let j = 0; j < 16; j++) y[j] ^= iv[16 + j];
  xorShiftedInPlace(y, data);
  x.fill(0);
  return y;
}

let scratchBuffer = new Uint8Array(0);
/** Scratch space for pass 1, kept up to 1 MiB so large uploads do not pin memory. */
function scratch(n: number): Uint8Array {
  if (n > 1 << 20) return new Uint8Array(n);
  if (scratchBuffer.length < n) scratchBuffer = new Uint8Array(Math.max(n, 64 * 1024));
  return scratchBuffer.subarray(0, n);
}

/** target[i] = data[i] ^ data[i - shift] for i in [start, n). target is aligned (fresh buffer). */
function xorShifted(target: Uint8Array, data: Uint8Array, start: number, shift: number): void {
  const n = data.length;
  if (data.byteOffset % 4 === 0 && target.byteOffset % 4 === 0) {
    const t = new Int32Array(target.buffer, target.byteOffset, n >> 2);
    const d = new Int32Array(data.buffer, data.byteOffset, n >> 2);
    const s = shift >> 2;
    for (let i = start >> 2; i < t.length; i++) t[i] = d[i] ^ d[i - s];
    return;
  }
  for (let i = start; i < n; i++) target[i] = data[i] ^ data[i - shift];
}

/** y[i] ^= data[i - 16] for i in [16, n). */
function xorShiftedInPlace(y: Uint8Array, data: Uint8Array): void {
  const n = data.length;
  if (data.byteOffset % 4 === 0 && y.byteOffset % 4 === 0) {
    const t = new Int32Array(y.buffer, y.byteOffset, n >> 2);
    const d = new Int32Array(data.buffer, data.byteOffset, n >> 2);
    for (let i = 4; i < t.length; i++) t[i] ^= d[i - 4];
    return;
  }
  for (let i = 16; i < n; i++) y[i] ^= data[i - 16];
}
