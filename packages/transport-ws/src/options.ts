/**
 * Options shared by both entries (Node and platform WebSocket), and their defaults.
 */
import type { ObfuscationCrypto } from '@x/mtproto-core';

/**
 * What travels inside the WebSocket messages.
 * - `'intermediate'` (default), `'abridged'`, `'padded'`: the obfuscated2 stream Telegram's servers
 *   accept (protocol notes §4): a 64-byte init message, then one framed, AES-256-CTR-encrypted
 *   packet per binary message.
 * - `'raw'`: one bare MTProto packet per binary message, no init, no tag, no length, no
 *   encryption layer. Only for gateways that speak that; Telegram's servers do not.
 */
export type WebSocketFraming = 'intermediate' | 'abridged' | 'padded' | 'raw';

export interface WebSocketTransportOptions {
  /**
   * Use `wss://` (default true). Used when a target carries only host and port; a target's `url`
   * (what @x/dc-registry returns, built with the same flag) is used as given. Certificates are
   * always verified.
   */
  tls?: boolean;
  /** Default `'intermediate'` (obfuscated). */
  framing?: WebSocketFraming;
  /** AES-CTR, SHA-256 and randomness for obfuscation. Default: @x/mtproto-core's `defaultCryptoProvider` (node:crypto on Node, portable elsewhere). */
  crypto?: ObfuscationCrypto;
  /** Default for `connect({ timeoutMs })`: 10 s. */
  connectTimeoutMs?: number;
  /** `send()` waits while the socket has more than this many bytes queued. Default 1 MiB. */
  highWaterMark?: number;
  /**
   * Hard cap on queued bytes for callers that do not await `send()`: beyond it `send()` rejects
   * with `TRANSPORT_BUFFER_FULL` (before framing, so the stream stays consistent). Default 64 MiB.
   */
  maxBufferedBytes?: number;
  /** Largest packet sent or accepted. Default 16 MiB. */
  maxPacketLength?: number;
  /** How long `close()` waits for the server's close frame before dropping the socket. Default 2 s. */
  closeTimeoutMs?: number;
}

export const DEFAULTS = {
  connectTimeoutMs: 10_000,
  highWaterMark: 1 << 20,
  maxBufferedBytes: 64 << 20,
  maxPacketLength: 1 << 24,
  closeTimeoutMs: 2_000,
} as const;

const FRAMINGS: readonly WebSocketFraming[] = ['intermediate', 'abridged', 'padded', 'raw'];

/** Checks the options once, when the factory is made. */
export function checkCommonOptions(options: WebSocketTransportOptions): void {
  if (options.framing !== undefined && !FRAMINGS.includes(options.framing)) {
    throw new RangeError(`webSocketTransport: framing must be one of ${FRAMINGS.join(', ')}, got ${String(options.framing)}`);
  }
  for (const key of ['connectTimeoutMs', 'highWaterMark', 'maxBufferedBytes', 'maxPacketLength', 'closeTimeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`webSocketTransport: ${key} must be a non-negative number, got ${String(value)}`);
    }
  }
}
