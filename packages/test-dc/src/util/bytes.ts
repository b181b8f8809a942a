/** Small byte helpers: big-endian integers (RSA, DH), XOR, constant-time compare, hex. */

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** Big-endian bytes of `value`; `length` left-pads with zeros (throws if it does not fit). */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative big integer');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (value === 0n) hex = length === undefined ? '00' : '';
  const size = length ?? hex.length / 2;
  if (hex.length / 2 > size) throw new RangeError(`integer does not fit in ${size} bytes`);
  const out = new Uint8Array(size);
  const start = size - hex.length / 2;
  for (let i = 0; i < hex.length / 2; i++) out[start + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

/** Little-endian int64 at `offset`. */
export function readInt64(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(offset, true);
}
