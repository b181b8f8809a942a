/**
 * The MTProto TCP transport: a Node `net` socket (IPv4 or IPv6) carrying one of the four
 * framings, obfuscated or not, directly or through an MTProxy.
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';
import {
  AbortError,
  defaultCryptoProvider,
  obfuscatedDcId,
  parseProxySecret,
  ProtocolError,
  TransportCodec,
  TransportError,
  type FramingKind,
  type Transport,
  type TransportCloseInfo,
  type TransportHandlers,
  type TransportSendOptions,
  type TransportTarget,
} from '@x/mtproto-core';
import type { ResolvedTcpOptions, TcpTransportOptions } from './options.js';
import { connectError, socketError } from './socket-errors.js';

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  highWaterMark: 1 << 20,
  maxBufferedBytes: 64 << 20,
  keepAlive: 30_000,
  closeTimeoutMs: 2_000,
};

type State = 'new' | 'connecting' | 'open' | 'closing' | 'closed';

export class TcpTransport implements Transport {
  readonly description: string;
  private readonly options: TcpTransportOptions;
  private readonly target: TransportTarget;
  private readonly handlers: TransportHandlers;
  private readonly host: string | undefined;
  private readonly port: number | undefined;
  /** This connection's framing and obfuscation key (a DC address may carry its own secret). */
  private readonly framing: FramingKind;
  private readonly obfuscated: boolean;
  private readonly secretKey: Uint8Array | undefined;
  private setupError: TransportError | undefined;
  private state: State = 'new';
  private socket: Socket | undefined;
  private codec: TransportCodec | undefined;
  private drainWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  private lastTransportCode: number | undefined;
  private closeError: TransportError | undefined;
  /** Settles a pending connect() when close() is called meanwhile. */
  private abortConnect: ((error: Error) => void) | undefined;
  private closed: Promise<void> | undefined;
  private idleTimer: ReturnType<typeof setInterval> | undefined;
  private lastReadAt = 0;

  constructor(options: TcpTransportOptions, resolved: ResolvedTcpOptions, target: TransportTarget, handlers: TransportHandlers) {
    this.options = options;
    this.target = target;
    this.handlers = handlers;
    this.host = resolved.proxy?.host ?? target.host;
    this.port = resolved.proxy?.port ?? target.port;
    let { framing, obfuscated } = resolved;
    let secretKey = resolved.proxy?.key;
    if (resolved.proxy === undefined && target.secret !== undefined) {
      // A dc_options address with a secret is MTProxy-like: obfuscated, keyed, maybe padded.
      try {
        const secret = parseProxySecret(target.secret);
        secretKey = secret.key;
        obfuscated = true;
        if (secret.forcePadded) framing = 'padded';
        else if (framing === 'full') framing = 'intermediate';
      } catch (error) {
        this.setupError = error as TransportError; // reported by connect(), not by create()
      }
    }
    this.framing = framing;
    this.obfuscated = obfuscated;
    this.secretKey = secretKey;
    const described = `${obfuscated ? 'obfuscated-' : ''}${framing}`;
    this.description = `tcp/${described}${resolved.proxy ? ' via mtproxy' : ''} ${this.where}`;
  }

  /** Bytes queued in the socket and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.socket?.writableLength ?? 0;
  }

  private get where(): string {
    const host = this.host?.includes(':') ? `[${this.host}]` : this.host;
    return `${host ?? '?'}:${this.port ?? '?'}`;
  }

  connect(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new TransportError('TRANSPORT_STATE', 'connect() can be called only once'));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError('connect aborted', { cause: signal.reason }));
    if (this.setupError !== undefined) return Promise.reject(this.setupError);
    if (this.host === undefined || this.port === undefined) {
      return Promise.reject(new TransportError('TRANSPORT_CONNECT_FAILED', `DC ${this.target.dcId}: the target has no host and port`));
    }
    this.state = 'connecting';
    const host = this.host;
    const port = this.port;
    const highWaterMark = this.options.highWaterMark ?? DEFAULTS.highWaterMark;
    const timeoutMs = options?.timeoutMs ?? this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;

    return new Promise<void>((resolve, reject) => {
      const socket = this.options.createConnection
        ? this.options.createConnection({ host, port, writableHighWaterMark: highWaterMark })
        : netConnect({ host, port, writableHighWaterMark: highWaterMark } as NetConnectOpts); // honoured at runtime, missing from @types/node
      this.socket = socket;
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.off('connect', onConnect);
        socket.off('error', onError);
        this.abortConnect = undefined;
      };
      const fail = (error: Error) => {
        cleanup();
        socket.on('error', () => {}); // late errors of a socket we gave up on must not crash the process
        socket.destroy();
        this.state = 'closed';
        reject(error);
      };
      const onError = (error: NodeJS.ErrnoException) => fail(connectError(error, this.where));
      const onAbort = () => fail(new AbortError('connect aborted', { cause: signal?.reason }));
      const onConnect = () => {
        cleanup();
        try {
          this.open(socket);
        } catch (error) {
          fail(error as Error);
          return;
        }
        resolve();
      };
      const timer = setTimeout(
        () => fail(new TransportError('TRANSPORT_CONNECT_TIMEOUT', `no connection to ${this.where} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.abortConnect = fail;
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', onConnect);
      socket.on('error', onError);
    });
  }

  send(packet: Uint8Array, options?: TransportSendOptions): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    const socket = this.socket!;
    const limit = this.options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes;
    // Checked before framing: a framed packet must be written, or the CTR keystream and the Full
    // seqno would run ahead of the wire.
    if (socket.writableLength + packet.length > limit) {
      return Promise.reject(
        new TransportError('TRANSPORT_BUFFER_FULL', `more than ${limit} bytes queued: await send() to respect back-pressure`),
      );
    }
    let framed: Uint8Array;
    try {
      framed = this.codec!.encode(packet, options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (socket.write(framed)) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  close(): Promise<void> {
    switch (this.state) {
      case 'new':
        this.state = 'closed';
        return Promise.resolve();
      case 'connecting':
        this.abortConnect?.(new TransportError('TRANSPORT_CLOSED', 'closed while connecting'));
        return Promise.resolve();
      case 'open': {
        // Stop delivering now; report the close once the socket is really gone.
        this.state = 'closing';
        this.stopIdleTimer();
        this.rejectWaiters();
        const socket = this.socket!;
        this.closed = new Promise<void>((resolve) => {
          const timer = setTimeout(() => socket.destroy(), this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
          socket.once('close', () => {
            clearTimeout(timer);
            this.finish({ byClient: true });
            resolve();
          });
        });
        socket.end();
        return this.closed;
      }
      case 'closing':
        return this.closed!;
      case 'closed':
        return Promise.resolve();
    }
  }

  /** The socket is connected: set it up, create the codec, write the preamble. */
  private open(socket: Socket): void {
    socket.setNoDelay(true);
    const keepAlive = this.options.keepAlive ?? DEFAULTS.keepAlive;
    if (keepAlive !== false) socket.setKeepAlive(true, keepAlive);
    const { framing, obfuscated, secretKey } = this;
    const crypto = this.options.crypto ?? defaultCryptoProvider;
    // The DC id is always written, as TDLib does; MTProxy needs it to route.
    const obfuscation = obfuscated ? { crypto, dcId: obfuscatedDcId(this.target), secret: secretKey } : undefined;
    this.codec = new TransportCodec(
      { framing, obfuscation, random: (target) => crypto.randomFill(target), maxPacketLength: this.options.maxPacketLength },
      {
        packet: (data) => this.handlers.packet(data),
        quickAck: (token) => this.handlers.quickAck?.(token),
        transportError: (code) => {
          this.lastTransportCode = code;
          this.handlers.transportError(TransportError.fromCode(code));
        },
      },
    );
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.releaseWaiters());
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(socketError(error, this.where)));
    socket.on('close', () => this.onSocketClose());
    this.state = 'open';
    this.startIdleTimer();
    if (this.codec.preamble.length > 0) socket.write(this.codec.preamble);
  }

  private receive(chunk: Buffer): void {
    if (this.state !== 'open') return;
    this.lastReadAt = performance.now();
    try {
      // A plain Uint8Array view: handlers get no Buffer (whose slice() does not copy).
      this.codec!.feed(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (cause) {
      this.fail(
        cause instanceof ProtocolError
          ? new TransportError('TRANSPORT_PROTOCOL', `corrupt stream from ${this.where}: ${cause.message}`, { cause })
          : new TransportError('TRANSPORT_HANDLER', `a packet handler threw: ${String(cause)}`, { cause }),
      );
    }
  }

  /** The server closed (FIN), or the socket ended after an error already reported. */
  private onSocketClose(): void {
    if (this.state !== 'open') return;
    const code = this.lastTransportCode;
    const suffix = code === undefined ? '' : ` after transport error ${code}`;
    this.finish({
      byClient: false,
      error: new TransportError('TRANSPORT_CLOSED', `connection closed by ${this.where}${suffix}`, { transportCode: code }),
    });
  }

  private fail(error: TransportError): void {
    if (this.state !== 'open') return;
    this.socket?.destroy();
    this.finish({ byClient: false, error });
  }

  /** Delivers the close exactly once. */
  private finish(info: TransportCloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = info.error;
    this.stopIdleTimer();
    this.rejectWaiters();
    this.socket?.removeAllListeners('data');
    this.handlers.close(info);
  }

  private releaseWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private rejectWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(this.notOpenError());
  }

  private startIdleTimer(): void {
    const idleMs = this.options.idleTimeoutMs;
    if (idleMs === undefined) return;
    this.lastReadAt = performance.now();
    // A coarse check instead of re-arming a timer on every chunk.
    this.idleTimer = setInterval(() => {
      if (performance.now() - this.lastReadAt >= idleMs) {
        this.fail(new TransportError('TRANSPORT_TIMEOUT', `nothing received from ${this.where} for ${idleMs} ms`));
      }
    }, Math.max(10, idleMs / 4));
    this.idleTimer.unref?.();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer !== undefined) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
  }

  private notOpenError(): TransportError {
    if (this.state === 'closed' || this.state === 'closing') {
      return new TransportError('TRANSPORT_CLOSED', 'the transport is closed', { cause: this.closeError });
    }
    return new TransportError('TRANSPORT_STATE', 'the transport is not connected yet');
  }
}
