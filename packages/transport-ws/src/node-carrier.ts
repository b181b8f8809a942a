/**
 * The carrier over the `ws` package (Node). Unlike the platform WebSocket it can say why a
 * connection failed (refused, TLS, an HTTP answer instead of the upgrade), trust a custom CA,
 * send headers and go through an HTTP(S) proxy.
 */
import type { Agent, ClientRequest, IncomingMessage } from 'node:http';
import type { SecureContextOptions } from 'node:tls';
import { TransportError } from '@x/mtproto-core';
import WebSocket from 'ws';
import type { Carrier, CarrierEvents, CarrierRequest, OpenCarrier } from './carrier.js';
import { connectError, socketError, upgradeError } from './node-errors.js';

export interface NodeCarrierOptions {
  /** Extra trusted CA certificates (PEM), for wss:// servers with a private CA. */
  ca?: SecureContextOptions['ca'];
  /** Extra HTTP headers on the upgrade request (e.g. `Origin`). */
  headers?: Record<string, string>;
  /** Picks the HTTP agent (proxy) per URL; undefined means a direct connection. */
  agentFor?: (url: string) => Agent | undefined;
}

export function nodeCarrier(options: NodeCarrierOptions): OpenCarrier {
  return (request, events) => new NodeCarrier(options, request, events);
}

class NodeCarrier implements Carrier {
  readonly emitsFlushed = true;
  private readonly socket: WebSocket;
  private done = false;
  private opened = false;
  private readonly onFlushed: (error?: Error) => void;

  constructor(options: NodeCarrierOptions, request: CarrierRequest, private readonly events: CarrierEvents) {
    const { url } = request;
    const agent = options.agentFor?.(url);
    const socket = new WebSocket(url, request.protocols, {
      // TLS is verified by Node's defaults (rejectUnauthorized stays true); `ca` only adds trust.
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(agent !== undefined ? { agent } : {}),
      // Ciphertext does not compress: do not offer permessage-deflate.
      perMessageDeflate: false,
      followRedirects: false,
      maxPayload: request.maxMessageLength,
      // The transport's own timer reports the timeout; this one only guarantees ws gives up too.
      handshakeTimeout: request.timeoutMs + 1000,
    });
    // Node buffers are handed out as Uint8Array views without a copy.
    socket.binaryType = 'nodebuffer';
    this.socket = socket;
    this.onFlushed = () => {
      if (!this.done) events.flushed();
    };

    socket.on('open', () => {
      if (this.done) return;
      this.opened = true;
      events.open();
    });
    socket.on('message', (data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean) => {
      if (this.done) return;
      if (!isBinary) {
        events.message(String(data));
        return;
      }
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      events.message(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
    });
    socket.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      this.fail(upgradeError(url, res, agent !== undefined));
      res.resume();
      req.destroy();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (this.done) return;
      // (ws already reports CLOSING here, so readyState cannot tell whether it ever opened.)
      this.fail(this.opened ? socketError(error, url) : connectError(error, url, agent !== undefined));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.done) return;
      this.done = true;
      events.close(code, reason.toString('utf8'));
    });
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  send(data: Uint8Array): void {
    // The callback runs once ws has written the frame to the socket: a chance to release send().
    this.socket.send(data, { binary: true }, this.onFlushed);
  }

  close(code: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  terminate(): void {
    if (this.done) return;
    this.done = true;
    this.socket.terminate();
  }

  private fail(error: TransportError): void {
    if (this.done) return;
    this.done = true;
    this.socket.terminate();
    this.events.error(error);
  }
}
