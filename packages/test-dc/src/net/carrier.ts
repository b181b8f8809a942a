/** The byte pipe under one client connection: a TCP socket or a WebSocket (ws:// or wss://). */

export type CarrierKind = 'tcp' | 'ws' | 'wss';

export interface CarrierHandlers {
  data(chunk: Uint8Array): void;
  closed(): void;
}

export interface Carrier {
  readonly kind: CarrierKind;
  /** `host:port` of the client. */
  readonly remote: string;
  /** WebSocket subprotocol the client asked for and got (`binary`), if any. */
  readonly subprotocol?: string;
  start(handlers: CarrierHandlers): void;
  write(bytes: Uint8Array): void;
  /** Graceful close: TCP FIN after flushing / WS close frame (default 1000). */
  close(code?: number, reason?: string): void;
  /** Abrupt: TCP reset-like destroy / WS terminate without a close frame. */
  destroy(): void;
}
