/** Big-endian byte strings <-> BigInt, as MTProto writes DH values and RSA blocks. */

/** The unsigned big-endian integer in `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]];
  return hex === '' ? 0n : BigInt('0x' + hex);
}

/**
 * `value` as big-endian bytes. With `length`, left-padded with zeros to exactly that size
 * (a RangeError if it does not fit); without it, the minimal encoding (at least one byte).
 */
export function bigIntToBytes(value: bigint, length?: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative values have no unsigned encoding');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  const minimal = hex.length / 2;
  const size = length ?? minimal;
  if (minimal > size) throw new RangeError(`value needs ${minimal} bytes, more than ${size}`);
  const out = new Uint8Array(size);
  for (let i = 0, o = size - minimal; i < minimal; i++, o++) out[o] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** The signed little-endian int64 at `offset` (how MTProto writes `long`: auth_key_id, salts, fingerprints). */
export function readInt64LE(bytes: Uint8Array, offset = 0): bigint {
  if (offset < 0 || offset + 8 > bytes.length) throw new RangeError(`no int64 at offset ${offset} of ${bytes.length} bytes`);
  return new DataView(bytes.buffer, bytes.byteOffset + offset, 8).getBigInt64(0, true);
}

/** Number of bits in the binary representation of a non-negative value (0 for 0). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
