/**
 * A minimal WebSocket Transport for the session end-to-end tests (the real @x/transport-ws
 * depends on this package for its own tests, so it cannot be used here): obfuscated framing,
 * the init as its own message, then one packet per binary message.
 */
import { TransportCodec, TransportError, type FramingKind, type Transport, type TransportFactory, type TransportHandlers, type TransportTarget } from '@x/mtproto-core';
import WebSocket from 'ws';
import { obfuscationCrypto } from '../../src/crypto/node-crypto.js';

export function testWebSocketTransport(options: { framing: Exclude<FramingKind, 'full'>; ca?: string }): TransportFactory {
  return {
    kind: 'websocket',
    create: (target, handlers) => new TestWebSocketTransport(options, target, handlers),
  };
}

class TestWebSocketTransport implements Transport {
  readonly description: string;
  private socket: WebSocket | undefined;
  private closed = false;
  private readonly codec: TransportCodec;

  constructor(
    private readonly options: { framing: Exclude<FramingKind, 'full'>; ca?: string },
    private readonly target: TransportTarget,
    private readonly handlers: TransportHandlers,
  ) {
    this.description = `test-ws/obfuscated-${options.framing}`;
    this.codec = new TransportCodec(
      { framing: options.framing, obfuscation: { crypto: obfuscationCrypto } },
      {
        packet: (data) => handlers.packet(data),
        quickAck: (token) => handlers.quickAck?.(token),
        transportError: (code) => handlers.transportError(TransportError.fromCode(code)),
      },
    );
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.target.url ?? '', ['binary'], this.options.ca !== undefined ? { ca: this.options.ca } : {});
      this.socket = socket;
      socket.binaryType = 'nodebuffer';
      socket.once('open', () => {
        socket.send(this.codec.preamble);
        resolve();
      });
      socket.once('error', (error) => reject(new TransportError('TRANSPORT_CONNECT', error.message)));
      socket.on('message', (data: Buffer) => {
        try {
          this.codec.feed(new Uint8Array(data));
        } catch (error) {
          this.finish(new TransportError('TRANSPORT_PROTOCOL', (error as Error).message));
          socket.terminate();
        }
      });
      socket.on('close', (code, reason) => this.finish(this.closed ? undefined : new TransportError('TRANSPORT_CLOSED', `closed ${code} ${reason.toString()}`, { closeCode: code })));
    });
  }

  async send(packet: Uint8Array, options?: { quickAck?: boolean }): Promise<void> {
    if (this.closed || this.socket === undefined) throw new TransportError('TRANSPORT_CLOSED', 'closed');
    this.socket.send(this.codec.encode(packet, options));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.socket?.close(1000);
    this.finish(undefined, true);
  }

  private finish(error: TransportError | undefined, byClient = false): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.close({ byClient, ...(error ? { error } : {}) });
  }
}
