/**
 * Outgoing framing (protocol notes §2.1-2.5): wraps one MTProto payload in the header (and padding
 * or CRC trailer) of the chosen framing. One encoder per connection and direction: Full keeps a
 * packet counter, so never share an encoder between connections.
 */
import { ProtocolError } from '../errors.js';
import { crc32Update } from './crc32.js';
import {
  DEFAULT_MAX_PACKET_LENGTH,
  plainFramingTag,
  webCryptoRandomFill,
  type FramingKind,
  type FramingRole,
  type RandomFill,
} from './framing.js';

export interface FrameEncoderOptions {
  /** Which end this encoder writes for. Default `'client'`. */
  role?: FramingRole;
  /** Random source for padded framing. Default: WebCrypto `getRandomValues`. */
  random?: RandomFill;
  /** Largest payload accepted. Default 16 MiB. */
  maxPacketLength?: number;
}

export interface EncodeOptions {
  /** Client side: ask for a quick ack (abridged, intermediate, padded; ignored by Full, which has none). */
  quickAck?: boolean;
}

const ABRIDGED_LONG = 0x7f;

export class FrameEncoder {
  readonly framing: FramingKind;
  readonly role: FramingRole;
  /** What a plain (not obfuscated) client sends once, before the first packet. Empty for Full. */
  readonly tag: Uint8Array;
  private readonly random: RandomFill;
  private readonly maxPacketLength: number;
  /** Full framing: per-connection packet counter. */
  private seqno = 0;
  /** Random bytes for padded framing, drawn 256 at a time; each packet takes 16 (length + padding). */
  private readonly randomPool = new Uint8Array(256);
  private randomOffset = 256;
  /** The current packet's 16 random bytes: [0] picks the length, [1..16] are the padding. */
  private scratch = this.randomPool.subarray(0, 16);

  constructor(framing: FramingKind, options: FrameEncoderOptions = {}) {
    this.framing = framing;
    this.role = options.role ?? 'client';
    this.random = options.random ?? webCryptoRandomFill;
    this.maxPacketLength = options.maxPacketLength ?? DEFAULT_MAX_PACKET_LENGTH;
    this.tag = plainFramingTag(framing);
  }

  /** Upper bound of `encode(payload).length` for a payload of `payloadLength` bytes. */
  maxEncodedLength(payloadLength: number): number {
    switch (this.framing) {
      case 'abridged':
        return payloadLength + (payloadLength / 4 < ABRIDGED_LONG ? 1 : 4);
      case 'intermediate':
        return payloadLength + 4;
      case 'padded':
        return payloadLength + 4 + 15;
      case 'full':
        return payloadLength + 12;
    }
  }

  /** Frames `payload` into a new array (the payload is copied once; the result is yours). */
  encode(payload: Uint8Array, options?: EncodeOptions): Uint8Array {
    const padding = this.framing === 'padded' ? this.pickPadding(16) : 0;
    const length =
      this.framing === 'padded' ? payload.length + 4 + padding : this.maxEncodedLength(payload.length);
    const out = new Uint8Array(length);
    this.write(out, 0, payload, options?.quickAck === true, padding);
    return out;
  }

  /**
   * Frames `payload` into `target` at `offset` and returns the number of bytes written.
   * `target` needs `maxEncodedLength(payload.length)` bytes of room from `offset`.
   */
  encodeInto(target: Uint8Array, offset: number, payload: Uint8Array, options?: EncodeOptions): number {
    const padding = this.framing === 'padded' ? this.pickPadding(16) : 0;
    if (offset < 0 || target.length - offset < this.maxEncodedLength(payload.length)) {
      throw new RangeError(`encodeInto needs ${this.maxEncodedLength(payload.length)} bytes of room`);
    }
    return this.write(target, offset, payload, options?.quickAck === true, padding);
  }

  /** Server side: the quick-ack answer for `token` (bit 31 set), framed as §2.1-2.3 describe. */
  encodeQuickAck(token: number): Uint8Array {
    token = (token | 0x80000000) >>> 0;
    switch (this.framing) {
      case 'abridged': {
        // A bare 4-byte word with no header, byte-swapped so its first byte has bit 7 set.
        const out = new Uint8Array(4);
        new DataView(out.buffer).setUint32(0, token, false);
        return out;
      }
      case 'intermediate': {
        const out = new Uint8Array(4);
        new DataView(out.buffer).setUint32(0, token, true);
        return out;
      }
      case 'padded': {
        // A normal padded packet `ff ff ff ff | token | 0..7 random`, kept under 16 bytes.
        const body = new Uint8Array(8);
        const view = new DataView(body.buffer);
        view.setInt32(0, -1, true);
        view.setUint32(4, token, true);
        const padding = this.pickPadding(8);
        const out = new Uint8Array(4 + 8 + padding);
        this.write(out, 0, body, false, padding);
        return out;
      }
      case 'full':
        throw new ProtocolError('FRAMING_NO_QUICK_ACK', 'the Full framing has no quick acks');
    }
  }

  /** Server side: a transport error packet (-404, -429, -444, -403...) framed like any packet. */
  encodeTransportError(code: number): Uint8Array {
    const body = new Uint8Array(4);
    new DataView(body.buffer).setInt32(0, code, true);
    // Padded: keep the whole packet under 16 bytes so the client reads it as a control packet.
    const padding = this.framing === 'padded' ? this.pickPadding(12) : 0;
    const out = new Uint8Array(this.framing === 'padded' ? 8 + padding : this.maxEncodedLength(4));
    this.write(out, 0, body, false, padding);
    return out;
  }

  private write(target: Uint8Array, offset: number, payload: Uint8Array, quickAck: boolean, padding: number): number {
    const length = payload.length;
    if (length === 0 || length > this.maxPacketLength) {
      throw new ProtocolError('FRAMING_PAYLOAD', `cannot frame a ${length}-byte payload (1..${this.maxPacketLength})`);
    }
    const ack = quickAck && this.role === 'client';
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    let at = offset;
    switch (this.framing) {
      case 'abridged': {
        if (length % 4 !== 0) {
          throw new ProtocolError('FRAMING_PAYLOAD', `abridged framing needs a multiple of 4 bytes, got ${length}`);
        }
        const words = length / 4;
        if (words < ABRIDGED_LONG) {
          target[at++] = words | (ack ? 0x80 : 0);
        } else {
          target[at] = ABRIDGED_LONG | (ack ? 0x80 : 0);
          target[at + 1] = words & 0xff;
          target[at + 2] = (words >>> 8) & 0xff;
          target[at + 3] = (words >>> 16) & 0xff;
          at += 4;
        }
        target.set(payload, at);
        return at + length - offset;
      }
      case 'intermediate':
      case 'padded': {
        view.setUint32(at, ((length + padding) | (ack ? 0x80000000 : 0)) >>> 0, true);
        target.set(payload, at + 4);
        at += 4 + length;
        if (padding > 0) {
          target.set(this.scratch.subarray(1, 1 + padding), at);
          at += padding;
        }
        return at - offset;
      }
      case 'full': {
        view.setInt32(at, length + 12, true);
        view.setInt32(at + 4, this.seqno, true);
        this.seqno = (this.seqno + 1) | 0;
        target.set(payload, at + 8);
        const crc = crc32Update(0, target, at, at + 8 + length);
        view.setUint32(at + 8 + length, crc, true);
        return length + 12;
      }
    }
  }

  /** Takes 16 fresh random bytes and returns a padding length in 0..limit-1 (limit <= 16). */
  private pickPadding(limit: number): number {
    if (this.randomOffset === this.randomPool.length) {
      this.random(this.randomPool);
      this.randomOffset = 0;
    }
    this.scratch = this.randomPool.subarray(this.randomOffset, this.randomOffset + 16);
    this.randomOffset += 16;
    return this.scratch[0] % limit;
  }
}
