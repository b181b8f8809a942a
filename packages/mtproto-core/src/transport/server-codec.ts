/**
 * The server side of an MTProto byte stream: detects the client's framing from its first bytes
 * (plain tag, Full, or an obfuscated init), then decodes client packets and encodes answers.
 * Used by the local test DC; also handy for scripted peers in tests.
 */
import type { AesCtrStream } from '../crypto/provider.js';
import { ProtocolError } from '../errors.js';
import { detectTransportFraming } from './detect-framing.js';
import { FrameDecoder } from './frame-decoder.js';
import { FrameEncoder } from './frame-encoder.js';
import type { FrameSink, FramingKind, RandomFill } from './framing.js';
import { OBFUSCATED_INIT_LENGTH, parseObfuscatedInit, type ObfuscationCrypto } from './obfuscation.js';

export interface ServerTransportCodecOptions {
  /** Needed to accept obfuscated clients. Without it, obfuscated streams are refused. */
  crypto?: ObfuscationCrypto;
  /** 16-byte MTProxy key: obfuscated clients must use it (plain clients are then refused). */
  secret?: Uint8Array;
  /** Refuse plain (non-obfuscated) streams. Default: false, or true when `secret` is set. */
  requireObfuscation?: boolean;
  /** Random source for padded answers. Default: the crypto's, else WebCrypto. */
  random?: RandomFill;
  /** Largest packet accepted or sent. Default 16 MiB. */
  maxPacketLength?: number;
}

/** What the server learned from the first bytes of the stream. */
export interface ServerStreamInfo {
  framing: FramingKind;
  obfuscated: boolean;
  /** init[60..62] of an obfuscated client (random if it left the field unset). */
  dcId?: number;
}

export class ServerTransportCodec {
  private readonly options: ServerTransportCodecOptions;
  private readonly sink: FrameSink;
  /** Set once the stream kind is known. */
  private state:
    | { info: ServerStreamInfo; encoder: FrameEncoder; decoder: FrameDecoder; encryptor?: AesCtrStream; decryptor?: AesCtrStream }
    | undefined;
  /** First bytes kept until the stream kind is known (at most 64). */
  private pending: Uint8Array = new Uint8Array(0);
  private failure: { error: unknown } | null = null;

  constructor(options: ServerTransportCodecOptions, sink: FrameSink) {
    this.options = options;
    this.sink = sink;
  }

  /** Known after the first bytes have been fed; `undefined` before. */
  get info(): ServerStreamInfo | undefined {
    return this.state?.info;
  }

  /** Feeds client bytes. Takes ownership of `chunk`. Throws ProtocolError on a bad stream. */
  feed(chunk: Uint8Array): void {
    if (this.failure !== null) throw this.failure.error;
    try {
      this.consume(chunk);
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }

  private consume(chunk: Uint8Array): void {
    const state = this.state;
    if (state !== undefined) {
      state.decryptor?.process(chunk);
      state.decoder.feed(chunk);
      return;
    }
    const head = concat(this.pending, chunk);
    const kind = detectTransportFraming(head);
    if (kind === 'need-more') {
      this.pending = head;
      return;
    }
    if (kind === 'unsupported') throw new ProtocolError('TRANSPORT_UNSUPPORTED', 'the client speaks HTTP or TLS');
    const requireObfuscation = this.options.requireObfuscation ?? this.options.secret !== undefined;
    if (kind !== 'obfuscated') {
      if (requireObfuscation) throw new ProtocolError('TRANSPORT_UNSUPPORTED', 'this server accepts obfuscated streams only');
      this.pending = new Uint8Array(0);
      this.start({ framing: kind, obfuscated: false });
      // Full has no tag: its first bytes already are a packet.
      const tagLength = kind === 'abridged' ? 1 : kind === 'full' ? 0 : 4;
      this.consume(head.subarray(tagLength));
      return;
    }
    if (head.length < OBFUSCATED_INIT_LENGTH) {
      this.pending = head;
      return;
    }
    const crypto = this.options.crypto;
    if (crypto === undefined) throw new ProtocolError('TRANSPORT_UNSUPPORTED', 'obfuscated streams need a crypto provider');
    this.pending = new Uint8Array(0);
    const parsed = parseObfuscatedInit(head, { crypto, secret: this.options.secret });
    this.start({ framing: parsed.framing, obfuscated: true, dcId: parsed.dcId }, parsed.encryptor, parsed.decryptor);
    if (head.length > OBFUSCATED_INIT_LENGTH) this.consume(head.subarray(OBFUSCATED_INIT_LENGTH));
  }

  /** Frames (and encrypts) a packet for the client. Only valid once `info` is known. */
  encode(payload: Uint8Array): Uint8Array {
    const state = this.started();
    return this.encrypt(state, state.encoder.encode(payload));
  }

  /** The quick-ack answer for `token` in the client's framing (not possible in Full). */
  encodeQuickAck(token: number): Uint8Array {
    const state = this.started();
    return this.encrypt(state, state.encoder.encodeQuickAck(token));
  }

  /** A transport error packet (-404, -429, -444, -403...) in the client's framing. */
  encodeTransportError(code: number): Uint8Array {
    const state = this.started();
    return this.encrypt(state, state.encoder.encodeTransportError(code));
  }

  private start(info: ServerStreamInfo, encryptor?: AesCtrStream, decryptor?: AesCtrStream): void {
    const crypto = this.options.crypto;
    const random = this.options.random ?? (crypto ? (target: Uint8Array) => crypto.randomFill(target) : undefined);
    const limits = { role: 'server' as const, maxPacketLength: this.options.maxPacketLength };
    this.state = {
      info,
      encoder: new FrameEncoder(info.framing, { ...limits, random }),
      decoder: new FrameDecoder(info.framing, this.sink, limits),
      encryptor,
      decryptor,
    };
  }

  private started(): NonNullable<ServerTransportCodec['state']> {
    if (this.state === undefined) throw new Error('ServerTransportCodec: the client has not sent its first bytes yet');
    return this.state;
  }

  private encrypt(state: NonNullable<ServerTransportCodec['state']>, framed: Uint8Array): Uint8Array {
    state.encryptor?.process(framed);
    return framed;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
