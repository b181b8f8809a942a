/**
 * The byte carrier under the transport: one WebSocket, whichever implementation. Two exist: the
 * platform `WebSocket` (browsers, Deno, Bun, Node 22+) and the `ws` package on Node.
 */
import type { TransportError } from '@x/mtproto-core';

export interface CarrierEvents {
  /** The upgrade succeeded with subprotocol `binary`. */
  open(): void;
  /** One received message: binary as a fresh Uint8Array (the receiver owns it), text as a string. */
  message(data: Uint8Array | string): void;
  /** A flush of queued bytes happened: `bufferedAmount` may have dropped. Optional to emit. */
  flushed(): void;
  /** The WebSocket closed (a close frame, or 1006 for an abnormal end). Terminal. */
  close(code: number, reason: string): void;
  /** The carrier failed (refused, TLS, upgrade refused, reset...). Terminal. */
  error(error: TransportError): void;
}

export interface Carrier {
  /** Bytes queued and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** True when the carrier emits `flushed` (else the transport polls `bufferedAmount`). */
  readonly emitsFlushed: boolean;
  send(data: Uint8Array): void;
  /** Starts the closing handshake. */
  close(code: number, reason?: string): void;
  /** Drops the connection now, without a handshake. No event follows. */
  terminate(): void;
}

/** What a carrier needs to open. */
export interface CarrierRequest {
  url: string;
  /** Always `['binary']` (protocol notes §4.1). */
  protocols: string[];
  /** Largest message accepted, where the implementation can enforce it. */
  maxMessageLength: number;
  /** The connect deadline, for implementations with their own handshake timer. */
  timeoutMs: number;
}

export type OpenCarrier = (request: CarrierRequest, events: CarrierEvents) => Carrier;
