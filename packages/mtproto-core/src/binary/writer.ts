/**
 * A growable little-endian TL writer over one reusable Uint8Array.
 * `reset()` rewinds without freeing, so a long-lived writer allocates only when a message is larger
 * than any before it.
 */
const encoder = new TextEncoder();

/** Set by the TL runtime: writes one boxed object. Kept late-bound to avoid an import cycle. */
let boxedWriter: ((writer: TlWriter, value: any) => void) | undefined;
export function setBoxedObjectWriter(write: (writer: TlWriter, value: any) => void): void {
  boxedWriter = write;
}

export class TlWriter {
  buffer: Uint8Array;
  view: DataView;
  position = 0;

  constructor(initialSize = 1024) {
    this.buffer = new Uint8Array(initialSize);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  reset(): this {
    this.position = 0;
    return this;
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  result(): Uint8Array {
    return this.buffer.subarray(0, this.position);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.position);
  }

  int32(value: number): void {
    this.ensure(4);
    this.view.setInt32(this.position, value, true);
    this.position += 4;
  }

  uint32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.position, value >>> 0, true);
    this.position += 4;
  }

  int64(value: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.position, BigInt.asIntN(64, value), true);
    this.position += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.position, value, true);
    this.position += 8;
  }

  bool(value: boolean): void {
    this.uint32(value ? 0x997275b5 : 0xbc799737);
  }

  int128(value: Uint8Array): void {
    this.fixed(value, 16);
  }

  int256(value: Uint8Array): void {
    this.fixed(value, 32);
  }

  private fixed(value: Uint8Array, length: number): void {
    if (!(value instanceof Uint8Array) || value.length !== length) {
      throw new TypeError(`expected ${length} bytes, got ${value instanceof Uint8Array ? value.length : typeof value}`);
    }
    this.raw(value);
  }

  raw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buffer.set(value, this.position);
    this.position += value.length;
  }

  /** TL `bytes`: 1-byte length (< 254) or 0xfe + 3-byte length, then data, zero-padded to 4. */
  bytes(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`expected Uint8Array, got ${typeof value}`);
    const length = value.length;
    this.ensure(length + 7);
    let pos = this.position;
    const buf = this.buffer;
    if (length < 254) {
      buf[pos++] = length;
    } else {
      if (length > 0xffffff) throw new RangeError(`TL bytes too long: ${length}`);
      buf[pos++] = 254;
      buf[pos++] = length & 0xff;
      buf[pos++] = (length >> 8) & 0xff;
      buf[pos++] = (length >> 16) & 0xff;
    }
    buf.set(value, pos);
    pos += length;
    while ((pos - this.position) % 4 !== 0) buf[pos++] = 0;
    this.position = pos;
  }

  /** One boxed TL object (`{ _: name, ...fields }`), encoded by the generated codec. */
  object(value: any): void {
    if (!boxedWriter) throw new Error('TL runtime not loaded');
    boxedWriter(this, value);
  }

  string(value: string): void {
    if (typeof value !== 'string') throw new TypeError(`expected string, got ${typeof value}`);
    this.bytes(encoder.encode(value));
  }
}
