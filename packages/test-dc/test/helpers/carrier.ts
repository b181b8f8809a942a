/**
 * Test-side byte carriers for the mini client: a TCP socket or a WebSocket (ws/wss, `binary`
 * subprotocol), both driven through the core's TransportCodec (framing + obfuscation).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { TransportCodec, type FramingKind } from '@x/mtproto-core';
import WebSocket from 'ws';
import { obfuscationCrypto } from '../../src/crypto/node-crypto.js';

export interface CarrierOptions {
  kind: 'tcp' | 'ws' | 'wss';
  host?: string;
  port?: number;
  url?: string;
  ca?: string;
  framing: FramingKind;
  obfuscated: boolean;
  /** int16 for init[60..62]; left random when undefined. */
  initDcId?: number;
  /** WS: subprotocols to ask for (default ['binary']). */
  protocols?: string[];
  /** WS: send the init and the first packet in one message (TDLib style). */
  initWithFirstPacket?: boolean;
}

export interface CarrierEvents {
  packet(data: Uint8Array): void;
  quickAck(token: number): void;
  transportError(code: number): void;
  closed(info: { code?: number; reason?: string; error?: Error }): void;
}

export class TestCarrier {
  readonly codec: TransportCodec;
  private socket: Socket | undefined;
  private ws: WebSocket | undefined;
  private preambleSent = false;
  closed = false;

  /** The local TCP port, to find this connection in the server's connection list. */
  get localPort(): number | undefined {
    if (this.socket) return this.socket.localPort;
    return (this.ws as unknown as { _socket?: Socket } | undefined)?._socket?.localPort;
  }

  private constructor(options: CarrierOptions, events: CarrierEvents) {
    this.codec = new TransportCodec(
      {
        framing: options.framing,
        ...(options.obfuscated ? { obfuscation: { crypto: obfuscationCrypto, ...(options.initDcId !== undefined ? { dcId: options.initDcId } : {}) } } : {}),
      },
      { packet: (data) => events.packet(data), quickAck: (token) => events.quickAck(token), transportError: (code) => events.transportError(code) },
    );
  }

  static async open(options: CarrierOptions, events: CarrierEvents): Promise<TestCarrier> {
    const carrier = new TestCarrier(options, events);
    const fail = (info: { code?: number; reason?: string; error?: Error }) => {
      if (carrier.closed) return;
      carrier.closed = true;
      events.closed(info);
    };
    if (options.kind === 'tcp') {
      const socket = tcpConnect({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
      carrier.socket = socket;
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.on('data', (chunk: Buffer) => {
        try {
          carrier.codec.feed(new Uint8Array(chunk));
        } catch (error) {
          socket.destroy();
          fail({ error: error as Error });
        }
      });
      socket.on('error', (error) => fail({ error }));
      socket.on('close', () => fail({}));
    } else {
      const ws = new WebSocket(options.url ?? '', options.protocols ?? ['binary'], options.ca !== undefined ? { ca: options.ca } : {});
      ws.binaryType = 'nodebuffer';
      carrier.ws = ws;
      await new Promise<void>((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.on('message', (data: Buffer) => {
        try {
          carrier.codec.feed(new Uint8Array(data));
        } catch (error) {
          ws.terminate();
          fail({ error: error as Error });
        }
      });
      ws.on('error', (error) => fail({ error }));
      ws.on('close', (code, reason) => fail({ code, reason: reason.toString() }));
    }
    if (!(options.kind !== 'tcp' && options.initWithFirstPacket)) carrier.sendPreamble();
    return carrier;
  }

  private sendPreamble(): void {
    this.preambleSent = true;
    if (this.codec.preamble.length > 0) this.writeRaw(this.codec.preamble);
  }

  /** Frames and sends one packet (one WS message per packet). */
  send(packet: Uint8Array, options: { quickAck?: boolean } = {}): void {
    const framed = this.codec.encode(packet, options);
    if (!this.preambleSent) {
      this.preambleSent = true;
      this.writeRaw(Buffer.concat([this.codec.preamble, framed]));
      return;
    }
    this.writeRaw(framed);
  }

  /** Bytes as they are (already framed and encrypted), e.g. to split or batch WS messages. */
  writeRaw(bytes: Uint8Array): void {
    if (this.closed) return;
    if (this.socket) this.socket.write(bytes);
    else this.ws?.send(bytes, { binary: true });
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    this.ws?.terminate();
  }
}
