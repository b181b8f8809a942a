/** A TCP socket as a carrier. */
import type { Socket } from 'node:net';
import type { Carrier, CarrierHandlers } from './carrier.js';

export class TcpCarrier implements Carrier {
  readonly kind = 'tcp' as const;
  readonly remote: string;
  private readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
  }

  start(handlers: CarrierHandlers): void {
    this.socket.on('data', (chunk: Buffer) => handlers.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    this.socket.on('close', () => handlers.closed());
    // Errors (ECONNRESET...) are followed by 'close'; nothing else to do.
    this.socket.on('error', () => {});
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
    // A client that never closes its side must not keep the server alive.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  destroy(): void {
    if (this.socket.destroyed) return;
    // An RST, like a dropped connection in the wild, rather than an orderly FIN.
    if (typeof this.socket.resetAndDestroy === 'function' && this.socket.readyState === 'open') this.socket.resetAndDestroy();
    else this.socket.destroy();
  }
}
