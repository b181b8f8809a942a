/**
 * An in-memory transport: the complete example of TRANSPORTS.md, and the transport the session
 * tests use. Real framing and obfuscation bytes flow through an in-memory pipe to whoever
 * `accept`s the far end (usually a `MemoryPeer` speaking the server side).
 */
import { AbortError, ProtocolError, TransportError } from '../errors.js';
import type { FramingKind } from './framing.js';
import { createMemoryLink, type MemoryLinkEnd, type MemoryLinkOptions } from './memory-link.js';
import { obfuscatedDcId, type ObfuscationCrypto } from './obfuscation.js';
import { TransportCodec } from './transport-codec.js';
import type {
  Transport,
  TransportCloseInfo,
  TransportFactory,
  TransportHandlers,
  TransportSendOptions,
  TransportTarget,
} from './transport.js';

export interface MemoryTransportOptions extends MemoryLinkOptions {
  /** Default `'intermediate'`. */
  framing?: FramingKind;
  /** Obfuscate the stream with this crypto provider (not with `full`). Default: plain. */
  obfuscation?: { crypto: ObfuscationCrypto };
  /** Receives the far end of every new connection. Throw to refuse the connection. */
  accept(end: MemoryLinkEnd, target: TransportTarget): void;
}

/** A factory of in-memory transports (`kind: 'memory'`). */
export function memoryTransport(options: MemoryTransportOptions): TransportFactory {
  return {
    kind: 'memory',
    create: (target, handlers) => new MemoryTransport(options, target, handlers),
    resolve: (dcId, { test, media }) => [{ dcId, test, media }],
  };
}

type State = 'new' | 'connecting' | 'open' | 'closed';

export class MemoryTransport implements Transport {
  readonly description: string;
  private readonly options: MemoryTransportOptions;
  private readonly target: TransportTarget;
  private readonly handlers: TransportHandlers;
  private state: State = 'new';
  private end: MemoryLinkEnd | undefined;
  private codec: TransportCodec | undefined;
  /** `send()` calls waiting for the pipe to drain. */
  private drainWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  /** The last transport error code received: a server usually closes right after sending one. */
  private lastTransportCode: number | undefined;
  private closeError: TransportError | undefined;

  constructor(options: MemoryTransportOptions, target: TransportTarget, handlers: TransportHandlers) {
    this.options = options;
    this.target = target;
    this.handlers = handlers;
    const framing = options.framing ?? 'intermediate';
    this.description = `memory/${options.obfuscation ? 'obfuscated-' : ''}${framing}`;
  }

  async connect(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
    if (this.state !== 'new') throw new TransportError('TRANSPORT_STATE', 'connect() can be called only once');
    if (options?.signal?.aborted) throw new AbortError('connect aborted', { cause: options.signal.reason });
    this.state = 'connecting';
    const framing = this.options.framing ?? 'intermediate';
    const obfuscation = this.options.obfuscation && {
      crypto: this.options.obfuscation.crypto,
      dcId: obfuscatedDcId(this.target),
    };
    // The codec calls these synchronously from feed(); they are never called once closed.
    const codec = new TransportCodec(
      { framing, obfuscation },
      {
        packet: (data) => this.handlers.packet(data),
        quickAck: (token) => this.handlers.quickAck?.(token),
        transportError: (code) => {
          this.lastTransportCode = code;
          this.handlers.transportError(TransportError.fromCode(code));
        },
      },
    );
    const [end, far] = createMemoryLink(this.options);
    try {
      this.options.accept(far, this.target);
    } catch (cause) {
      this.state = 'closed';
      throw new TransportError('TRANSPORT_CONNECT_REFUSED', 'the in-memory peer refused the connection', { cause });
    }
    end.onData = (chunk) => this.receive(chunk);
    end.onDrain = () => this.releaseWaiters();
    end.onClose = () => {
      const code = this.lastTransportCode;
      const suffix = code === undefined ? '' : ` after transport error ${code}`;
      this.finish({
        byClient: false,
        error: new TransportError('TRANSPORT_CLOSED', `connection closed by the peer${suffix}`, { transportCode: code }),
      });
    };
    this.end = end;
    this.codec = codec;
    this.state = 'open';
    // The tag (plain) or the 64-byte init (obfuscated) goes first, once.
    if (codec.preamble.length > 0) end.write(codec.preamble);
  }

  send(packet: Uint8Array, options?: TransportSendOptions): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    let framed: Uint8Array;
    try {
      framed = this.codec!.encode(packet, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.end!.write(framed)) return Promise.resolve();
    // Over the high-water mark: the caller waits until the pipe drains (or closes).
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const end = this.end;
    this.finish({ byClient: true });
    end?.end();
  }

  private receive(chunk: Uint8Array): void {
    if (this.state !== 'open') return;
    try {
      this.codec!.feed(chunk);
    } catch (cause) {
      // A corrupt stream cannot be resynchronised: drop the connection.
      const error =
        cause instanceof ProtocolError
          ? new TransportError('TRANSPORT_PROTOCOL', `corrupt stream: ${cause.message}`, { cause })
          : new TransportError('TRANSPORT_HANDLER', `a packet handler threw: ${String(cause)}`, { cause });
      const end = this.end;
      this.finish({ byClient: false, error });
      end?.destroy();
    }
  }

  /** Delivers the close exactly once and fails every pending send. */
  private finish(info: TransportCloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = info.error;
    if (this.end) this.end.onData = this.end.onDrain = this.end.onClose = undefined;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(this.notOpenError());
    this.handlers.close(info);
  }

  private releaseWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private notOpenError(): TransportError {
    if (this.state === 'closed') {
      return new TransportError('TRANSPORT_CLOSED', 'the transport is closed', { cause: this.closeError });
    }
    return new TransportError('TRANSPORT_STATE', 'the transport is not connected yet');
  }
}
