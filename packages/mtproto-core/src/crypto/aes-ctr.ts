/**
 * AES-256-CTR as a long-lived stream in plain JS (noble's AES round function): a 128-bit
 * big-endian counter that wraps, and a keystream that continues across `process()` calls at any
 * byte position, as the obfuscated transports need (spec §3.3).
 */
import { unsafe } from '@noble/ciphers/aes.js';
import type { AesCtrStream } from './provider.js';

export class JsAesCtrStream implements AesCtrStream {
  private readonly xk: Uint32Array;
  /** The next counter block, big-endian bytes. */
  private readonly counter = new Uint8Array(16);
  private readonly keystream = new Uint8Array(16);
  private readonly keystreamWords = new Uint32Array(this.keystream.buffer);
  /** Bytes of `keystream` already used; 16 means "generate the next block". */
  private used = 16;

  constructor(key: Uint8Array, iv: Uint8Array) {
    if (key.length !== 32) throw new RangeError(`AES-256-CTR needs a 32-byte key, got ${key.length}`);
    if (iv.length !== 16) throw new RangeError(`AES-256-CTR needs a 16-byte IV, got ${iv.length}`);
    this.xk = unsafe.expandKeyLE(key);
    this.counter.set(iv);
  }

  process(data: Uint8Array): Uint8Array {
    const ks = this.keystream;
    let used = this.used;
    let i = 0;
    const n = data.length;
    // Finish the current keystream block, then whole blocks, then a tail.
    while (i < n && used < 16) data[i++] ^= ks[used++];
    while (n - i >= 16) {
      this.nextBlock();
      for (let j = 0; j < 16; j++) data[i + j] ^= ks[j];
      i += 16;
    }
    if (i < n) {
      this.nextBlock();
      used = 0;
      while (i < n) data[i++] ^= ks[used++];
    }
    this.used = used;
    return data;
  }

  /** Encrypts the counter into `keystream` and increments the counter (with 128-bit wrap). */
  private nextBlock(): void {
    const c = this.counter;
    const y = unsafe.encrypt(
      this.xk,
      (c[0] | (c[1] << 8) | (c[2] << 16) | (c[3] << 24)) >>> 0,
      (c[4] | (c[5] << 8) | (c[6] << 16) | (c[7] << 24)) >>> 0,
      (c[8] | (c[9] << 8) | (c[10] << 16) | (c[11] << 24)) >>> 0,
      (c[12] | (c[13] << 8) | (c[14] << 16) | (c[15] << 24)) >>> 0,
    );
    writeLe(this.keystream, this.keystreamWords, y.s0, y.s1, y.s2, y.s3);
    for (let j = 15; j >= 0; j--) {
      c[j] = (c[j] + 1) & 0xff;
      if (c[j] !== 0) break;
    }
  }
}

const IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function writeLe(bytes: Uint8Array, words: Uint32Array, s0: number, s1: number, s2: number, s3: number): void {
  if (IS_LITTLE_ENDIAN) {
    words[0] = s0; words[1] = s1; words[2] = s2; words[3] = s3;
    return;
  }
  const s = [s0, s1, s2, s3];
  for (let k = 0; k < 4; k++) {
    bytes[4 * k] = s[k]; bytes[4 * k + 1] = s[k] >>> 8; bytes[4 * k + 2] = s[k] >>> 16; bytes[4 * k + 3] = s[k] >>> 24;
  }
}
