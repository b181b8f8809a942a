/**
 * The server side of an in-memory connection for tests: decodes what the client transport sends
 * (any framing, plain or obfuscated, detected like a real server does) and sends packets, quick
 * acks and transport errors back.
 */
import type { MemoryLinkEnd } from './memory-link.js';
import { ServerTransportCodec, type ServerStreamInfo, type ServerTransportCodecOptions } from './server-codec.js';

export class MemoryPeer {
  /** Each client packet; `quickAck` is true when the client asked for one. */
  onPacket: ((packet: Uint8Array, quickAck: boolean) => void) | undefined;
  /** The client closed the connection. */
  onClose: (() => void) | undefined;
  /** The client sent bytes that break the protocol (the peer then closes the link). */
  onError: ((error: unknown) => void) | undefined;
  private readonly end: MemoryLinkEnd;
  private readonly codec: ServerTransportCodec;

  constructor(end: MemoryLinkEnd, options: ServerTransportCodecOptions = {}) {
    this.end = end;
    this.codec = new ServerTransportCodec(options, {
      packet: (packet, quickAck) => this.onPacket?.(packet, quickAck),
      quickAck: () => {},
      transportError: () => {},
    });
    end.onData = (chunk) => {
      try {
        this.codec.feed(chunk);
      } catch (error) {
        this.onError?.(error);
        end.destroy();
      }
    };
    end.onClose = () => this.onClose?.();
  }

  /** What the client speaks; known once its first bytes arrived. */
  get info(): ServerStreamInfo | undefined {
    return this.codec.info;
  }

  get closed(): boolean {
    return this.end.isClosed;
  }

  send(packet: Uint8Array): void {
    this.end.write(this.codec.encode(packet));
  }

  sendQuickAck(token: number): void {
    this.end.write(this.codec.encodeQuickAck(token));
  }

  sendTransportError(code: number): void {
    this.end.write(this.codec.encodeTransportError(code));
  }

  /** Stops reading, like a slow server: the client's writes pile up and its send() starts waiting. */
  pauseReading(): void {
    this.end.pause();
  }

  resumeReading(): void {
    this.end.resume();
  }

  /** Sends raw bytes, bypassing the codec (e.g. to corrupt the stream on purpose). */
  sendRaw(bytes: Uint8Array): void {
    this.end.write(bytes);
  }

  /** Closes after everything sent so far has been delivered. */
  close(): void {
    this.end.end();
  }
}
