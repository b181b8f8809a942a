/**
 * A bounds-checked little-endian TL reader. Every read past the end, absurd length or count throws
 * TlDecodeError with the offset, so hostile input can never crash or loop.
 */
import { TlDecodeError } from '../errors.js';

const decoder = new TextDecoder();

/** Set by the TL runtime: reads one boxed object. Kept late-bound to avoid an import cycle. */
let boxedReader: ((reader: TlReader) => any) | undefined;
export function setBoxedObjectReader(read: (reader: TlReader) => any): void {
  boxedReader = read;
}

export class TlReader {
  readonly buffer: Uint8Array;
  readonly view: DataView;
  position: number;
  readonly end: number;
  /** The constructor being decoded, for error messages. */
  currentId: number | undefined;

  constructor(buffer: Uint8Array, offset = 0, end = buffer.length) {
    this.buffer = buffer;
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    this.position = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  fail(message: string): never {
    throw new TlDecodeError(message, this.position, this.currentId);
  }

  private need(bytes: number): void {
    if (this.position + bytes > this.end) this.fail(`unexpected end of data: need ${bytes} byte(s), ${this.remaining} left`);
  }

  int32(): number {
    this.need(4);
    const value = this.view.getInt32(this.position, true);
    this.position += 4;
    return value;
  }

  uint32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  /** Reads the next uint32 without consuming it. */
  peekUint32(): number {
    this.need(4);
    return this.view.getUint32(this.position, true);
  }

  int64(): bigint {
    this.need(8);
    const value = this.view.getBigInt64(this.position, true);
    this.position += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  bool(): boolean {
    const id = this.uint32();
    if (id === 0x997275b5) return true;
    if (id === 0xbc799737) return false;
    this.position -= 4;
    return this.fail(`expected Bool, got constructor 0x${id.toString(16)}`);
  }

  /** A copy of the next `length` bytes. */
  raw(length: number): Uint8Array {
    this.need(length);
    const value = this.buffer.slice(this.position, this.position + length);
    this.position += length;
    return value;
  }

  int128(): Uint8Array {
    return this.raw(16);
  }

  int256(): Uint8Array {
    return this.raw(32);
  }

  /** TL `bytes` as a view into the buffer (no copy). */
  bytesView(): Uint8Array {
    this.need(1);
    const buf = this.buffer;
    let length = buf[this.position];
    let header = 1;
    if (length === 254) {
      this.need(4);
      length = buf[this.position + 1] | (buf[this.position + 2] << 8) | (buf[this.position + 3] << 16);
      header = 4;
    } else if (length === 255) {
      this.fail('invalid TL bytes length prefix 0xff');
    }
    const padded = (header + length + 3) & ~3;
    this.need(padded);
    const start = this.position + header;
    this.position += padded;
    return buf.subarray(start, start + length);
  }

  /** TL `bytes` as a copy the caller owns. */
  bytes(): Uint8Array {
    return this.bytesView().slice();
  }

  string(): string {
    return decoder.decode(this.bytesView());
  }

  /** One boxed TL object (constructor id + fields), decoded by the generated codec. */
  object(): any {
    if (!boxedReader) throw new Error('TL runtime not loaded');
    return boxedReader(this);
  }

  /** A vector length, rejecting counts that cannot fit in the remaining bytes. */
  vectorLength(minItemSize: number): number {
    const count = this.int32();
    if (count < 0 || count * minItemSize > this.remaining) this.fail(`invalid vector length ${count}`);
    return count;
  }
}
