/**
 * Shared vocabulary of the MTProto transport framings (protocol notes §2): the framing kinds, the
 * event sink a decoder reports to, and the limits both directions enforce.
 */

/** The four TCP framings. `padded` is "padded intermediate" (0xdddddddd). */
export type FramingKind = 'abridged' | 'intermediate' | 'padded' | 'full';

/**
 * Which end of the connection a codec works for. The framings are asymmetric: the same header
 * bit means "quick ack requested" client→server but "this is a quick ack" server→client.
 */
export type FramingRole = 'client' | 'server';

/** Fills `target` with secure random bytes and returns it (same shape as `CryptoProvider.randomFill`). */
export type RandomFill = (target: Uint8Array) => Uint8Array;

/** What a decoder reports, in stream order. Callbacks run synchronously inside `feed()`. */
export interface FrameSink {
  /**
   * One whole MTProto packet (padding and framing removed). `quickAck` is true only on the server
   * side, when the client asked for a quick ack of this packet.
   * Ownership: see `FrameDecoder` — the bytes are never touched by the decoder again.
   */
  packet(data: Uint8Array, quickAck: boolean): void;
  /** Client side: the server acknowledged a packet sent with quickAck; `token` has bit 31 set. */
  quickAck(token: number): void;
  /** Client side: a transport error packet, e.g. -404, -429, -444, -403 (a negative int32). */
  transportError(code: number): void;
}

/** Default cap on one packet's length: 16 MiB. TDLib refuses to send packets of 2^24 bytes or more. */
export const DEFAULT_MAX_PACKET_LENGTH = 1 << 24;

/** The 4 tag bytes each framing puts at init[56..60] under obfuscation (Full has none). */
export const OBFUSCATED_TAGS: Readonly<Record<Exclude<FramingKind, 'full'>, number>> = {
  abridged: 0xefefefef,
  intermediate: 0xeeeeeeee,
  padded: 0xdddddddd,
};

/** The bytes a plain (non-obfuscated) client sends once before its first packet. */
export function plainFramingTag(framing: FramingKind): Uint8Array {
  switch (framing) {
    case 'abridged':
      return Uint8Array.of(0xef);
    case 'intermediate':
      return Uint8Array.of(0xee, 0xee, 0xee, 0xee);
    case 'padded':
      return Uint8Array.of(0xdd, 0xdd, 0xdd, 0xdd);
    case 'full':
      return new Uint8Array(0);
  }
}

/** The portable secure random source (WebCrypto), available in browsers, Deno, Bun and Node >= 19. */
export const webCryptoRandomFill: RandomFill = (target) => {
  globalThis.crypto.getRandomValues(target);
  return target;
};
