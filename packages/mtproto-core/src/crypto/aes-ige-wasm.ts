/**
 * AES-256-IGE in WebAssembly (wasm/aes-ige.wat, generated and assembled by wasm/generate.mjs):
 * classic 4×1 KiB T-tables on 32-bit words, which a JIT compiles to tight native code, about twice
 * the speed of the JS version. Browser-safe, synchronous (the module is under 2 KiB, so even a
 * browser main thread may compile it synchronously). Key schedules come from @noble/ciphers
 * (`expandKeyLE` / `expandKeyDecLE`), whose little-endian word layout the WASM code shares.
 *
 * `aesIgeWasm` returns undefined when WebAssembly is unavailable (or the host is big-endian), and
 * callers then use the JS implementation.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { AES_IGE_WASM_BASE64, AES_IGE_WASM_LAYOUT as L } from './wasm/aes-ige-wasm.js';

interface IgeInstance {
  memory: WebAssembly.Memory;
  encrypt: (n: number) => void;
  decrypt: (n: number) => void;
}

const IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
let instance: IgeInstance | null | undefined;

function load(): IgeInstance | null {
  if (!IS_LITTLE_ENDIAN || typeof WebAssembly !== 'object') return null;
  try {
    const binary = Uint8Array.from(atob(AES_IGE_WASM_BASE64), (c) => c.charCodeAt(0));
    const exports = new WebAssembly.Instance(new WebAssembly.Module(binary)).exports as unknown as {
      memory: WebAssembly.Memory;
      ige_encrypt: (n: number) => void;
      ige_decrypt: (n: number) => void;
    };
    writeTables(new Uint8Array(exports.memory.buffer));
    return { memory: exports.memory, encrypt: exports.ige_encrypt, decrypt: exports.ige_decrypt };
  } catch {
    return null;
  }
}

/** Whether the WASM implementation is in use (for logs and benchmarks). */
export function wasmIgeAvailable(): boolean {
  instance ??= load();
  return instance !== null;
}

/**
 * AES-256-IGE through WebAssembly into a new buffer; undefined if WebAssembly is not usable here.
 * Arguments must already be validated (32-byte key and IV, length a multiple of 16).
 */
export function aesIgeWasm(data: Uint8Array, key: Uint8Array, iv: Uint8Array, encrypt: boolean): Uint8Array | undefined {
  instance ??= load();
  if (instance === null) return undefined;
  const { memory } = instance;
  const needed = L.DATA + data.length;
  if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / 65536));
  const heap = new Uint8Array(memory.buffer);
  const roundKeys = encrypt ? unsafe.expandKeyLE(key) : unsafe.expandKeyDecLE(key);
  new Uint32Array(memory.buffer, L.RK, 60).set(roundKeys);
  roundKeys.fill(0);
  heap.set(iv, L.IV);
  heap.set(data, L.DATA);
  if (encrypt) instance.encrypt(data.length);
  else instance.decrypt(data.length);
  heap.fill(0, L.RK, L.RK + 240 + 32);
  return heap.slice(L.DATA, L.DATA + data.length);
}

/** T-tables (little-endian columns) and S-boxes, written once into the module's memory. */
function writeTables(heap: Uint8Array): void {
  const { sbox, inverse } = buildSboxes();
  const words = new Uint32Array(heap.buffer, 0, (L.TD + 4096) / 4);
  for (let x = 0; x < 256; x++) {
    const s = sbox[x];
    const te = (mul(s, 2) | (s << 8) | (s << 16) | (mul(s, 3) << 24)) >>> 0;
    const i = inverse[x];
    const td = (mul(i, 14) | (mul(i, 9) << 8) | (mul(i, 13) << 16) | (mul(i, 11) << 24)) >>> 0;
    for (let k = 0; k < 4; k++) {
      words[(L.TE >> 2) + 256 * k + x] = rotl(te, 8 * k);
      words[(L.TD >> 2) + 256 * k + x] = rotl(td, 8 * k);
    }
  }
  heap.set(sbox, L.SBOX);
  heap.set(inverse, L.INV_SBOX);
}

function rotl(word: number, bits: number): number {
  return bits === 0 ? word : ((word << bits) | (word >>> (32 - bits))) >>> 0;
}

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function mul(a: number, b: number): number {
  let result = 0;
  for (; b > 0; b >>= 1) {
    if (b & 1) result ^= a;
    a = (a << 1) ^ (a & 0x80 ? 0x11b : 0);
  }
  return result;
}

/** The AES S-box from its definition (multiplicative inverse, then the affine map). */
function buildSboxes(): { sbox: Uint8Array; inverse: Uint8Array } {
  const sbox = new Uint8Array(256);
  const inverse = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    let inv = 0;
    if (x !== 0) for (inv = 1; mul(x, inv) !== 1; inv++);
    let s = inv;
    for (let k = 1; k < 5; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    sbox[x] = s ^ 0x63;
    inverse[sbox[x]] = x;
  }
  return { sbox, inverse };
}
