/**
 * The client side of an MTProto byte stream in one object: framing plus optional obfuscation.
 * Every transport (TCP, WebSocket, in-memory) sends `preamble` first, then `encode(packet)` for
 * each packet, and passes every received chunk to `feed(chunk)`.
 */
import type { AesCtrStream } from '../crypto/provider.js';
import type { EncodeOptions } from './frame-encoder.js';
import { FrameEncoder } from './frame-encoder.js';
import { FrameDecoder } from './frame-decoder.js';
import type { FrameSink, FramingKind, RandomFill } from './framing.js';
import { createObfuscatedInit, type ObfuscationCrypto } from './obfuscation.js';

export interface TransportCodecOptions {
  framing: FramingKind;
  /** Obfuscate the stream (obfuscated2). Not possible with `full`. */
  obfuscation?: {
    crypto: ObfuscationCrypto;
    /** int16 for init[60..62] — use `obfuscatedDcId(target)`; required by MTProxy, optional elsewhere. */
    dcId?: number;
    /** 16-byte MTProxy key from `parseProxySecret`. */
    secret?: Uint8Array;
  };
  /** Random source for padding; default: the obfuscation crypto's, else WebCrypto. */
  random?: RandomFill;
  /** Largest packet accepted in either direction. Default 16 MiB. */
  maxPacketLength?: number;
}

export class TransportCodec {
  readonly framing: FramingKind;
  readonly obfuscated: boolean;
  /**
   * Bytes to send once, before the first packet: the 64-byte obfuscated init, or the plain
   * framing tag (`ef`, `eeeeeeee`, `dddddddd`; empty for Full).
   */
  readonly preamble: Uint8Array;
  private readonly encoder: FrameEncoder;
  private readonly decoder: FrameDecoder;
  private readonly encryptor: AesCtrStream | undefined;
  private readonly decryptor: AesCtrStream | undefined;

  constructor(options: TransportCodecOptions, sink: FrameSink) {
    const { framing, obfuscation } = options;
    const crypto = obfuscation?.crypto;
    const random = options.random ?? (crypto ? (target: Uint8Array) => crypto.randomFill(target) : undefined);
    this.framing = framing;
    this.encoder = new FrameEncoder(framing, { role: 'client', random, maxPacketLength: options.maxPacketLength });
    this.decoder = new FrameDecoder(framing, sink, { role: 'client', maxPacketLength: options.maxPacketLength });
    if (obfuscation === undefined) {
      this.obfuscated = false;
      this.preamble = this.encoder.tag;
      return;
    }
    if (framing === 'full') throw new RangeError('the full framing cannot be obfuscated (it has no tag)');
    const init = createObfuscatedInit({
      framing,
      crypto: obfuscation.crypto,
      dcId: obfuscation.dcId,
      secret: obfuscation.secret,
    });
    this.obfuscated = true;
    this.preamble = init.init;
    this.encryptor = init.encryptor;
    this.decryptor = init.decryptor;
  }

  /** Frames (and encrypts) one packet into a new array. Must be sent in call order. */
  encode(payload: Uint8Array, options?: EncodeOptions): Uint8Array {
    const framed = this.encoder.encode(payload, options);
    this.encryptor?.process(framed);
    return framed;
  }

  /**
   * Feeds received bytes in order. Takes ownership of `chunk` (it is decrypted in place); events go
   * to the sink synchronously; throws ProtocolError when the stream is corrupt (then close).
   */
  feed(chunk: Uint8Array): void {
    this.decryptor?.process(chunk);
    this.decoder.feed(chunk);
  }
}
