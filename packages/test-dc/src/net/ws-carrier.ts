/** A WebSocket (ws:// or wss://) as a carrier: each binary message is one chunk of the stream. */
import type { WebSocket } from 'ws';
import type { Carrier, CarrierHandlers } from './carrier.js';

export class WsCarrier implements Carrier {
  readonly kind: 'ws' | 'wss';
  readonly remote: string;
  readonly subprotocol: string | undefined;
  private readonly socket: WebSocket;

  constructor(socket: WebSocket, kind: 'ws' | 'wss', remote: string) {
    this.socket = socket;
    this.kind = kind;
    this.remote = remote;
    this.subprotocol = socket.protocol === '' ? undefined : socket.protocol;
  }

  start(handlers: CarrierHandlers): void {
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) {
        // Telegram's endpoints speak binary messages only.
        this.socket.close(1003, 'binary messages only');
        return;
      }
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      handlers.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    this.socket.on('close', () => handlers.closed());
    this.socket.on('error', () => {});
  }

  write(bytes: Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(bytes, { binary: true });
  }

  /** Telegram closes with 1000 and the real error as the reason (§4.1). */
  close(code = 1000, reason?: string): void {
    try {
      this.socket.close(code, reason);
    } catch {
      // An unsendable code or an over-long reason: close plainly instead.
      this.socket.close(1000);
    }
    setTimeout(() => this.socket.terminate(), 2000).unref();
  }

  destroy(): void {
    this.socket.terminate();
  }
}
