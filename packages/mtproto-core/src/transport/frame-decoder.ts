/**
 * Incoming framing (protocol notes §2, receive loop §2.7): turns a byte stream cut into arbitrary
 * chunks into whole packets, quick acks and transport error codes.
 *
 * Buffer ownership and copies:
 * - `feed(chunk)` takes ownership of `chunk`: a packet that lies entirely inside one chunk is
 *   delivered as a `subarray` view of it (no copy). Do not reuse or overwrite a chunk after feeding
 *   it (socket and WebSocket chunks are fresh per read, so this holds for them).
 * - A packet that spans chunks is assembled in a fresh array of exactly its size, so every byte is
 *   copied at most once, and the only state kept between chunks is that array plus an 8-byte
 *   header scratch. Nothing grows without bound: a length above `maxPacketLength` is refused
 *   before any allocation.
 * - Either way the decoder never touches delivered bytes again: the receiver owns them.
 *
 * Errors: a stream that breaks the framing (absurd length, bad CRC or seqno, impossible padding)
 * throws a `ProtocolError` from `feed()`. The stream is then out of sync for good: the decoder
 * stays failed and rethrows the same error on every later call, and the transport should close.
 * An exception thrown by a sink callback also fails the decoder and propagates.
 */
import { ProtocolError } from '../errors.js';
import { crc32Update } from './crc32.js';
import { DEFAULT_MAX_PACKET_LENGTH, type FrameSink, type FramingKind, type FramingRole } from './framing.js';

export interface FrameDecoderOptions {
  /** Which end this decoder reads for. Default `'client'` (it reads what a server sends). */
  role?: FramingRole;
  /** Largest packet accepted; longer lengths fail the stream. Default 16 MiB. */
  maxPacketLength?: number;
}

/** Packets shorter than this are control packets (no-op, quick ack, transport error) — §2.3, §2.7. */
const CONTROL_PACKET_LIMIT = 16;
const HEADER_SCRATCH = 8;

export class FrameDecoder {
  readonly framing: FramingKind;
  readonly role: FramingRole;
  private readonly sink: FrameSink;
  private readonly maxPacketLength: number;

  /** Header bytes carried over from the previous chunk. */
  private readonly head = new Uint8Array(HEADER_SCRATCH);
  private headLength = 0;
  /** Set by `parseHeader`: the length of the body that follows, 0 when the header stood alone. */
  private bodyLength = 0;
  private bodyQuickAck = false;
  /** A body that spans chunks, being filled. */
  private body: Uint8Array | null = null;
  private bodyFilled = 0;
  /** Full framing: expected seqno of the next packet and CRC of the current header. */
  private seqno = 0;
  private headerCrc = 0;
  private failure: { error: unknown } | null = null;

  constructor(framing: FramingKind, sink: FrameSink, options: FrameDecoderOptions = {}) {
    this.framing = framing;
    this.sink = sink;
    this.role = options.role ?? 'client';
    this.maxPacketLength = options.maxPacketLength ?? DEFAULT_MAX_PACKET_LENGTH;
  }

  /** True when the decoder is between packets (no partial header or body buffered). */
  get idle(): boolean {
    return this.failure === null && this.headLength === 0 && this.body === null;
  }

  /** Feeds the next bytes of the stream. See the class comment for ownership and errors. */
  feed(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure.error;
    try {
      this.consume(chunk);
    } catch (error) {
      this.failure = { error };
      this.body = null;
      throw error;
    }
  }

  private consume(chunk: Uint8Array): void {
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const body = this.body;
      if (body !== null) {
        const n = Math.min(body.length - this.bodyFilled, end - pos);
        body.set(chunk.subarray(pos, pos + n), this.bodyFilled);
        this.bodyFilled += n;
        pos += n;
        if (this.bodyFilled === body.length) {
          this.body = null;
          this.finishBody(body);
        }
        continue;
      }

      // Header: parse straight from the chunk, or from the scratch when a header was split.
      const carried = this.headLength;
      let used: number;
      if (carried === 0) {
        used = this.parseHeader(chunk, pos, end - pos);
        if (used === 0) {
          this.head.set(chunk.subarray(pos, end));
          this.headLength = end - pos;
          return;
        }
        pos += used;
      } else {
        const n = Math.min(HEADER_SCRATCH - carried, end - pos);
        this.head.set(chunk.subarray(pos, pos + n), carried);
        used = this.parseHeader(this.head, 0, carried + n);
        if (used === 0) {
          this.headLength = carried + n;
          return;
        }
        this.headLength = 0;
        pos += used - carried;
      }

      const length = this.bodyLength;
      if (length === 0) continue;
      if (end - pos >= length) {
        // The whole body is in this chunk: hand out a view, no copy.
        const whole = chunk.subarray(pos, pos + length);
        pos += length;
        this.finishBody(whole);
      } else {
        this.body = new Uint8Array(length);
        this.bodyFilled = 0;
      }
    }
  }

  /**
   * Parses a header at `src[off..off+avail]`. Returns 0 when more bytes are needed, otherwise the
   * header size, with `bodyLength` set (0 when the header was a complete event by itself).
   */
  private parseHeader(src: Uint8Array, off: number, avail: number): number {
    if (avail < 1) return 0;
    const client = this.role === 'client';
    switch (this.framing) {
      case 'abridged': {
        const first = src[off];
        if (client && first & 0x80) {
          // Quick ack: a bare, byte-swapped 4-byte token.
          if (avail < 4) return 0;
          this.bodyLength = 0;
          this.sink.quickAck(((first << 24) | (src[off + 1] << 16) | (src[off + 2] << 8) | src[off + 3]) >>> 0);
          return 4;
        }
        this.bodyQuickAck = (first & 0x80) !== 0;
        const words = first & 0x7f;
        if (words < 0x7f) {
          this.setBodyLength(words * 4);
          return 1;
        }
        if (avail < 4) return 0;
        this.setBodyLength((src[off + 1] | (src[off + 2] << 8) | (src[off + 3] << 16)) * 4);
        return 4;
      }
      case 'intermediate':
      case 'padded': {
        if (avail < 4) return 0;
        const word = readUint32(src, off);
        if (client && word & 0x80000000) {
          this.bodyLength = 0;
          this.sink.quickAck(word);
          return 4;
        }
        this.bodyQuickAck = (word & 0x80000000) !== 0;
        this.setBodyLength(word & 0x7fffffff);
        return 4;
      }
      case 'full': {
        if (avail < 4) return 0;
        const total = readUint32(src, off) | 0;
        if (total < 0 && client) {
          // Seen in the wild: a transport error as a bare int32 in place of the length (§2.4).
          this.bodyLength = 0;
          this.sink.transportError(total);
          return 4;
        }
        if (avail < 8) return 0;
        if (total < CONTROL_PACKET_LIMIT || total - 12 > this.maxPacketLength) {
          throw new ProtocolError('FRAMING_BAD_LENGTH', `full framing: impossible packet length ${total}`);
        }
        const seqno = readUint32(src, off + 4) | 0;
        if (seqno !== this.seqno) {
          throw new ProtocolError('FRAMING_SEQNO', `full framing: expected seqno ${this.seqno}, got ${seqno}`);
        }
        this.seqno = (this.seqno + 1) | 0;
        this.headerCrc = crc32Update(0, src, off, off + 8);
        this.bodyQuickAck = false;
        this.bodyLength = total - 8;
        return 8;
      }
    }
  }

  private setBodyLength(length: number): void {
    if (length === 0) throw new ProtocolError('FRAMING_BAD_LENGTH', `${this.framing} framing: empty packet`);
    if (length > this.maxPacketLength) {
      throw new ProtocolError(
        'FRAMING_TOO_LONG',
        `${this.framing} framing: packet of ${length} bytes exceeds the ${this.maxPacketLength}-byte limit`,
      );
    }
    this.bodyLength = length;
  }

  private finishBody(body: Uint8Array): void {
    let payload = body;
    if (this.framing === 'full') {
      const payloadLength = body.length - 4;
      const crc = crc32Update(this.headerCrc, body, 0, payloadLength);
      if (crc !== readUint32(body, payloadLength)) {
        throw new ProtocolError('FRAMING_CRC', 'full framing: CRC32 mismatch');
      }
      payload = body.subarray(0, payloadLength);
    }
    if (payload.length < CONTROL_PACKET_LIMIT || this.isLongPaddedQuickAck(payload)) {
      if (this.role === 'client') {
        this.control(payload);
        return;
      }
      throw new ProtocolError('FRAMING_SHORT_PACKET', `a ${payload.length}-byte packet is not an MTProto message`);
    }
    if (this.framing === 'padded') payload = stripPadding(payload);
    this.sink.packet(payload, this.bodyQuickAck);
  }

  /**
   * The spec allows up to 8 padding bytes after a padded quick ack (16 bytes in all); no MTProto
   * message is that short, so a 16-byte packet starting with ffffffff is read as control too.
   */
  private isLongPaddedQuickAck(payload: Uint8Array): boolean {
    return this.framing === 'padded' && payload.length === CONTROL_PACKET_LIMIT && readUint32(payload, 0) === 0xffffffff;
  }

  /** A short server packet: int32 0 = no-op, -1 + token = quick ack, anything else = error code. */
  private control(payload: Uint8Array): void {
    if (payload.length < 4) {
      throw new ProtocolError('FRAMING_SHORT_PACKET', `a ${payload.length}-byte packet is not a control packet`);
    }
    const code = readUint32(payload, 0) | 0;
    if (code === 0) return;
    if (code === -1) {
      if (payload.length < 8) throw new ProtocolError('FRAMING_SHORT_PACKET', 'quick ack packet without a token');
      this.sink.quickAck(readUint32(payload, 4));
      return;
    }
    this.sink.transportError(code);
  }
}

/**
 * Removes padded-intermediate padding structurally (§2.3, as TDLib does): an unencrypted message
 * is exactly `20 + message_data_length` bytes; for an encrypted one the part after the 24-byte
 * external header is a whole number of AES blocks.
 */
function stripPadding(packet: Uint8Array): Uint8Array {
  const length = packet.length;
  const plaintext = readUint32(packet, 0) === 0 && readUint32(packet, 4) === 0;
  if (plaintext) {
    if (length < 20) throw new ProtocolError('FRAMING_PADDING', 'padded framing: truncated unencrypted message');
    const dataLength = readUint32(packet, 16);
    if (dataLength > length - 20) {
      throw new ProtocolError('FRAMING_PADDING', `padded framing: message length ${dataLength} exceeds the packet`);
    }
    return packet.subarray(0, 20 + dataLength);
  }
  if (length < 24) throw new ProtocolError('FRAMING_PADDING', 'padded framing: truncated encrypted message');
  return packet.subarray(0, length - ((length - 24) & 15));
}

function readUint32(src: Uint8Array, off: number): number {
  return (src[off] | (src[off + 1] << 8) | (src[off + 2] << 16) | (src[off + 3] << 24)) >>> 0;
}
