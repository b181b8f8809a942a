/**
 * One client byte stream seen from the server (protocol notes §2, §3): detects the framing from
 * the first bytes (plain tag, Full, or an obfuscated2 init), decrypts and deframes client packets,
 * frames and encrypts answers. On WebSocket carriers it also watches message boundaries, because
 * Telegram's WS front end handles one transport packet per message (§4.5).
 */
import {
  detectTransportFraming,
  FrameDecoder,
  FrameEncoder,
  OBFUSCATED_INIT_LENGTH,
  parseObfuscatedInit,
  ProtocolError,
  type AesCtrStream,
  type FramingKind,
} from '@x/mtproto-core';
import { obfuscationCrypto, randomFill } from '../crypto/node-crypto.js';

export interface StreamInfo {
  framing: FramingKind;
  obfuscated: boolean;
  /** int16 at init[60..62] of an obfuscated stream (random when the client left it unset). */
  initDcId?: number;
}

export interface ServerStreamEvents {
  /** One client packet (padding removed); `quickAck` when the client asked for one. */
  packet(data: Uint8Array, quickAck: boolean): void;
  /** The stream kind became known. */
  detected(info: StreamInfo): void;
  /** WS boundary problems (only reported for message-based carriers). */
  boundaryViolation(kind: 'several-packets-in-message' | 'packet-split-across-messages', detail: string): void;
}

export interface ServerStreamOptions {
  /** Carrier with message boundaries (WebSocket): check one packet per message. */
  messageBased: boolean;
  /** Refuse plain streams (WebSocket endpoints accept obfuscated streams only, like Telegram's). */
  requireObfuscation: boolean;
  maxPacketLength?: number;
}

interface Started {
  info: StreamInfo;
  encoder: FrameEncoder;
  decoder: FrameDecoder;
  encryptor?: AesCtrStream;
  decryptor?: AesCtrStream;
}

export class ServerStream {
  private readonly options: ServerStreamOptions;
  private readonly events: ServerStreamEvents;
  private started: Started | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  private packetsInCurrentFeed = 0;
  private failure: unknown;

  constructor(options: ServerStreamOptions, events: ServerStreamEvents) {
    this.options = options;
    this.events = events;
  }

  get info(): StreamInfo | undefined {
    return this.started?.info;
  }

  /** Feeds one chunk (one WS message on message-based carriers). Throws ProtocolError on a bad stream. */
  feed(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      this.packetsInCurrentFeed = 0;
      const hadStarted = this.started !== undefined;
      this.consume(chunk);
      const started = this.started;
      if (this.options.messageBased && started !== undefined) {
        if (this.packetsInCurrentFeed > 1) {
          this.events.boundaryViolation(
            'several-packets-in-message',
            `${this.packetsInCurrentFeed} transport packets in one WebSocket message (Telegram handles only the first)`,
          );
        }
        // The init may travel alone; after that every message must end on a packet boundary.
        if (!started.decoder.idle && (hadStarted || chunk.length > OBFUSCATED_INIT_LENGTH)) {
          this.events.boundaryViolation('packet-split-across-messages', 'a transport packet continues in the next WebSocket message');
        }
      }
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  private consume(chunk: Uint8Array): void {
    const started = this.started;
    if (started !== undefined) {
      started.decryptor?.process(chunk);
      started.decoder.feed(chunk);
      return;
    }
    const head = concat(this.pending, chunk);
    const kind = detectTransportFraming(head);
    if (kind === 'need-more') {
      this.pending = head;
      return;
    }
    if (kind === 'unsupported') throw new ProtocolError('TRANSPORT_UNSUPPORTED', 'the client speaks HTTP or TLS on the MTProto port');
    if (kind !== 'obfuscated') {
      if (this.options.requireObfuscation) {
        throw new ProtocolError('TRANSPORT_UNSUPPORTED', `plain ${kind} framing on an endpoint that requires obfuscation`);
      }
      this.pending = new Uint8Array(0);
      this.start({ framing: kind, obfuscated: false });
      const tagLength = kind === 'abridged' ? 1 : kind === 'full' ? 0 : 4;
      this.consume(head.subarray(tagLength));
      return;
    }
    if (head.length < OBFUSCATED_INIT_LENGTH) {
      this.pending = head;
      return;
    }
    this.pending = new Uint8Array(0);
    const parsed = parseObfuscatedInit(head, { crypto: obfuscationCrypto });
    this.start({ framing: parsed.framing, obfuscated: true, initDcId: parsed.dcId }, parsed.encryptor, parsed.decryptor);
    // The rest is ciphertext owned by us now (`head` may alias the caller's chunk: copy).
    if (head.length > OBFUSCATED_INIT_LENGTH) this.consume(head.slice(OBFUSCATED_INIT_LENGTH));
  }

  private start(info: StreamInfo, encryptor?: AesCtrStream, decryptor?: AesCtrStream): void {
    const limits = { role: 'server' as const, maxPacketLength: this.options.maxPacketLength };
    const sink = {
      packet: (data: Uint8Array, quickAck: boolean) => {
        this.packetsInCurrentFeed++;
        this.events.packet(data, quickAck);
      },
      quickAck: () => {},
      transportError: () => {},
    };
    this.started = {
      info,
      encoder: new FrameEncoder(info.framing, { ...limits, random: randomFill }),
      decoder: new FrameDecoder(info.framing, sink, limits),
      encryptor,
      decryptor,
    };
    this.events.detected(info);
  }

  /**
   * Frames (and encrypts) one packet. `corrupt` flips the last payload byte after framing (for
   * Full that breaks the CRC; otherwise the client's msg_key check).
   */
  encode(payload: Uint8Array, corrupt = false): Uint8Array {
    const started = this.requireStarted();
    const framed = started.encoder.encode(payload);
    if (corrupt) {
      const header = started.info.framing === 'full' ? 8 : started.info.framing === 'abridged' ? (payload.length / 4 < 0x7f ? 1 : 4) : 4;
      framed[header + payload.length - 1] ^= 0xff;
    }
    started.encryptor?.process(framed);
    return framed;
  }

  encodeQuickAck(token: number): Uint8Array | undefined {
    const started = this.requireStarted();
    if (started.info.framing === 'full') return undefined;
    const framed = started.encoder.encodeQuickAck(token);
    started.encryptor?.process(framed);
    return framed;
  }

  /**
   * A transport error (-404, -429, -444...). Full has no room for it: Telegram was observed
   * sending the code as bare int32 words in place of the header (§2.4), which is what we do.
   */
  encodeTransportError(code: number): Uint8Array {
    const started = this.requireStarted();
    let framed: Uint8Array;
    if (started.info.framing === 'full') {
      framed = new Uint8Array(12);
      const view = new DataView(framed.buffer);
      for (let i = 0; i < 3; i++) view.setInt32(i * 4, code, true);
    } else {
      framed = started.encoder.encodeTransportError(code);
    }
    started.encryptor?.process(framed);
    return framed;
  }

  private requireStarted(): Started {
    if (this.started === undefined) throw new Error('ServerStream: the client has not identified its framing yet');
    return this.started;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
