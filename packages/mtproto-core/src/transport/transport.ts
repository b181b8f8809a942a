/**
 * The Transport contract: a packet pipe between the session and one DC.
 *
 * A transport moves whole MTProto packets (the bytes that start with auth_key_id) in both
 * directions. Framing (abridged, intermediate, padded, full), obfuscation and the byte carrier
 * (TCP socket, WebSocket, HTTP...) are the transport's business; the session never sees them.
 *
 * No Node types appear here: the same contract runs in browsers, Deno and Bun.
 * See TRANSPORTS.md for a guide and a complete in-memory example.
 */
import type { TransportError } from '../errors.js';

/** Where to connect. The client fills this from the DC registry (or from a user override). */
export interface TransportTarget {
  /** DC id, 1..5 in production. Not offset: use `test` and `media` for those variants. */
  dcId: number;
  /** Test servers (DC id is sent as 10000 + id in the obfuscated init). */
  test: boolean;
  /** Media-only DC (DC id is sent negated in the obfuscated init). */
  media: boolean;
  /** Host name or IP for socket transports. */
  host?: string;
  /** Port for socket transports. */
  port?: number;
  /** Full URL for URL-based transports (WebSocket: `wss://venus.web.telegram.org/apiws`). */
  url?: string;
  /** MTProxy-style secret attached to this endpoint (dc_options `secret`), if any. */
  secret?: Uint8Array;
}

/** Why a transport closed. Delivered exactly once per transport through `TransportHandlers.close`. */
export interface TransportCloseInfo {
  /** True when the local side called `close()`. */
  byClient: boolean;
  /** The failure, if the close was not a clean local close. */
  error?: TransportError;
}

/** Callbacks the transport invokes. They are never called after `close` has been delivered. */
export interface TransportHandlers {
  /** One whole MTProto packet: `auth_key_id(8) | ...`. The buffer is owned by the receiver. */
  packet(data: Uint8Array): void;
  /** The server acknowledged a packet sent with `quickAck: true`; `token` has bit 31 set. */
  quickAck?(token: number): void;
  /** The server sent a transport error code (-404, -429, -444...). The transport stays open
   *  unless the server closes it; the session decides what to do. */
  transportError(error: TransportError): void;
  /** The transport is closed for good. A new transport must be created to reconnect. */
  close(info: TransportCloseInfo): void;
}

export interface TransportSendOptions {
  /** Ask the server for a quick ack of this (encrypted) packet, where the framing supports it. */
  quickAck?: boolean;
}

export interface Transport {
  /** A short human-readable description, e.g. `tcp/intermediate` or `wss/obfuscated-intermediate`. */
  readonly description: string;
  /**
   * Open the connection. Rejects with TransportError (refused, TLS failure, timeout) or AbortError.
   * Handlers may be called as soon as this resolves.
   */
  connect(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void>;
  /**
   * Send one MTProto packet. The returned promise resolves once the packet has been handed to the
   * carrier and the carrier's buffer is below its high-water mark: awaiting it gives back-pressure.
   * Rejects with TransportError when the transport is closed.
   */
  send(packet: Uint8Array, options?: TransportSendOptions): Promise<void>;
  /** Close cleanly. Resolves when the carrier is closed; `handlers.close` is called with byClient. */
  close(): Promise<void>;
}

/**
 * What a client is given: it creates one transport per connection attempt.
 * `kind` lets the client ask the DC registry for the right kind of address.
 */
export interface TransportFactory {
  /** `'tcp'` and `'websocket'` are resolved by @x/dc-registry; other kinds must set `resolve`. */
  readonly kind: 'tcp' | 'websocket' | (string & {});
  create(target: TransportTarget, handlers: TransportHandlers): Transport;
  /** Optional: pick the target for a DC when the registry knows nothing about this kind. */
  resolve?(dcId: number, options: { test: boolean; media: boolean }): TransportTarget[];
}
