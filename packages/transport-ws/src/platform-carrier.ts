/**
 * The carrier over a WHATWG `WebSocket` (browsers, Deno, Bun, Node 22+, or any constructor with
 * that API, such as the `ws` package's). Browsers tell nothing about why a connection failed: the
 * error event has no details and the close code is 1006.
 */
import { TransportError } from '@x/mtproto-core';
import type { Carrier, CarrierEvents, CarrierRequest, OpenCarrier } from './carrier.js';

/** The part of the WHATWG WebSocket API the transport uses. */
export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly protocol: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: (event: unknown) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The platform's WebSocket, or undefined (Node 20 has none unless started with --experimental-websocket). */
export function platformWebSocket(): WebSocketConstructor | undefined {
  return (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
}

export function platformCarrier(WebSocketClass: WebSocketConstructor): OpenCarrier {
  return (request, events) => new PlatformCarrier(WebSocketClass, request, events);
}

class PlatformCarrier implements Carrier {
  readonly emitsFlushed = false;
  private readonly socket: WebSocketLike;
  private done = false;
  private opened = false;
  private sawError = false;

  constructor(WebSocketClass: WebSocketConstructor, request: CarrierRequest, private readonly events: CarrierEvents) {
    const socket = new WebSocketClass(request.url, request.protocols);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.done) return;
      if (!request.protocols.includes(socket.protocol)) {
        // Telegram answers `binary`; anything else is not an MTProto endpoint.
        this.fail(new TransportError('TRANSPORT_CONNECT_FAILED', `${request.url} did not accept the "binary" subprotocol (got "${socket.protocol}")`));
        return;
      }
      this.opened = true;
      events.open();
    });
    socket.addEventListener('message', (event) => {
      if (this.done) return;
      const data = event.data;
      if (data instanceof ArrayBuffer) events.message(new Uint8Array(data));
      else if (typeof data === 'string') events.message(data);
      else this.fail(new TransportError('TRANSPORT_PROTOCOL', `${request.url}: unexpected message type ${Object.prototype.toString.call(data)}`));
    });
    socket.addEventListener('error', () => {
      this.sawError = true;
    });
    socket.addEventListener('close', (event) => {
      if (this.done) return;
      this.done = true;
      if (!this.opened) {
        // The browser hides the cause on purpose (DNS, refused, TLS, proxy, a non-101 answer).
        events.error(
          new TransportError(
            'TRANSPORT_CONNECT_FAILED',
            `WebSocket to ${request.url} failed before opening (close code ${event.code}${this.sawError ? ', error event' : ''}): ` +
              'refused, DNS, TLS, a proxy or an answer other than 101; the platform gives no details',
            { closeCode: event.code },
          ),
        );
        return;
      }
      events.close(event.code, event.reason);
    });
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(data: Uint8Array): void {
    this.socket.send(data);
  }

  close(code: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    if (this.done) return;
    this.done = true;
    // The platform API has no abort: close without waiting for anything.
    try {
      this.socket.close(1000);
    } catch {
      // Already closing.
    }
  }

  private fail(error: TransportError): void {
    this.done = true;
    try {
      this.socket.close(1000);
    } catch {
      // Already closing.
    }
    this.events.error(error);
  }
}
