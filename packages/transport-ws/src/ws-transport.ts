/**
 * The WebSocket transport: one WebSocket (any carrier) carrying the obfuscated MTProto stream as
 * Telegram runs it (protocol notes §4.5):
 *   - the 64-byte init as its own binary message;
 *   - then exactly one whole framed + CTR-encrypted packet per message (Telegram's front end is
 *     reported to read only the first packet of a message);
 *   - inbound messages decrypted in order and parsed as one byte stream (the spec promises no
 *     message boundaries);
 *   - transport error packets, and a close reason holding a code, become transport errors;
 *   - close with 1000.
 * Browser-safe: no Node built-ins; the carrier hides `ws` versus the platform WebSocket.
 */
import {
  AbortError,
  ProtocolError,
  TransportError,
  type ObfuscationCrypto,
  type Transport,
  type TransportCloseInfo,
  type TransportHandlers,
  type TransportSendOptions,
  type TransportTarget,
} from '@x/mtproto-core';
import type { Carrier, CarrierEvents, OpenCarrier } from './carrier.js';
import { closeError, transportCodeFromReason } from './close-reason.js';
import { DEFAULTS, type WebSocketFraming, type WebSocketTransportOptions } from './options.js';
import { createPacketCodec, type PacketCodec } from './packet-codec.js';
import { targetUrl } from './target-url.js';

/** How often `send()` re-checks `bufferedAmount` when the carrier has no flush events. */
const DRAIN_POLL_MS = 4;

type State = 'new' | 'connecting' | 'open' | 'closing' | 'closed';

export interface WebSocketTransportSettings {
  options: WebSocketTransportOptions;
  crypto: ObfuscationCrypto;
  openCarrier: OpenCarrier;
}

export class WebSocketTransport implements Transport {
  readonly description: string;
  private readonly settings: WebSocketTransportSettings;
  private readonly options: WebSocketTransportOptions;
  private readonly target: TransportTarget;
  private readonly handlers: TransportHandlers;
  private readonly framing: WebSocketFraming;
  private readonly url: string | undefined;
  private readonly urlError: TransportError | undefined;
  private state: State = 'new';
  private carrier: Carrier | undefined;
  private codec: PacketCodec | undefined;
  private drainWaiters: Array<{ resolve(): void; reject(error: Error): void }> = [];
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private lastTransportCode: number | undefined;
  private closeError: TransportError | undefined;
  /** Settles a pending connect() from close() or a carrier event. */
  private settleConnect: ((error?: Error) => void) | undefined;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(settings: WebSocketTransportSettings, target: TransportTarget, handlers: TransportHandlers) {
    this.settings = settings;
    this.options = settings.options;
    this.target = target;
    this.handlers = handlers;
    this.framing = settings.options.framing ?? 'intermediate';
    try {
      this.url = targetUrl(target, settings.options.tls ?? true);
    } catch (error) {
      this.urlError = error as TransportError; // reported by connect(), not by create()
    }
    const scheme = this.url?.startsWith('wss:') ? 'wss' : 'ws';
    const framing = this.framing === 'raw' ? 'raw' : `obfuscated-${this.framing}`;
    this.description = `${scheme}/${framing} ${this.url ?? '?'}`;
  }

  /** Bytes queued in the WebSocket and not yet handed to the network. */
  get bufferedAmount(): number {
    return this.carrier?.bufferedAmount ?? 0;
  }

  private get where(): string {
    return this.url ?? `DC ${this.target.dcId}`;
  }

  connect(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new TransportError('TRANSPORT_STATE', 'connect() can be called only once'));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError('connect aborted', { cause: signal.reason }));
    if (this.urlError !== undefined) {
      this.state = 'closed';
      return Promise.reject(this.urlError);
    }
    this.state = 'connecting';
    const timeoutMs = options?.timeoutMs ?? this.options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
    const maxPacketLength = this.options.maxPacketLength ?? DEFAULTS.maxPacketLength;

    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => this.settleConnect?.(new AbortError('connect aborted', { cause: signal?.reason }));
      this.settleConnect = (error) => {
        this.settleConnect = undefined;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) {
          resolve();
          return;
        }
        this.state = 'closed';
        this.carrier?.terminate();
        reject(error);
      };
      timer = setTimeout(
        () => this.settleConnect?.(new TransportError('TRANSPORT_CONNECT_TIMEOUT', `no WebSocket to ${this.where} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.codec = createPacketCodec(this.framing, { crypto: this.settings.crypto, target: this.target, maxPacketLength }, {
          packet: (data) => this.handlers.packet(data),
          quickAck: (token) => this.handlers.quickAck?.(token),
          transportError: (code) => {
            this.lastTransportCode = code;
            this.handlers.transportError(TransportError.fromCode(code));
          },
        });
        this.carrier = this.settings.openCarrier(
          // A message normally holds one packet; leave room for framing and a few small packets merged in.
          { url: this.url!, protocols: ['binary'], maxMessageLength: maxPacketLength + (1 << 16), timeoutMs },
          this.carrierEvents(),
        );
      } catch (cause) {
        this.settleConnect?.(
          cause instanceof TransportError ? cause : new TransportError('TRANSPORT_CONNECT_FAILED', `cannot open ${this.where}: ${String(cause)}`, { cause }),
        );
        return;
      }
    });
  }

  send(packet: Uint8Array, options?: TransportSendOptions): Promise<void> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    const carrier = this.carrier!;
    const limit = this.options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes;
    // Checked before framing: a framed packet must be sent, or the CTR keystream runs ahead of the wire.
    if (carrier.bufferedAmount + packet.length > limit) {
      return Promise.reject(
        new TransportError('TRANSPORT_BUFFER_FULL', `more than ${limit} bytes queued: await send() to respect back-pressure`),
      );
    }
    let message: Uint8Array;
    try {
      message = this.codec!.encode(packet, options);
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      carrier.send(message);
    } catch (cause) {
      const error = new TransportError('TRANSPORT_RESET', `WebSocket to ${this.where} refused a message: ${String(cause)}`, { cause });
      this.fail(error);
      return Promise.reject(error);
    }
    if (carrier.bufferedAmount <= this.highWaterMark) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject });
      this.scheduleDrainCheck();
    });
  }

  close(): Promise<void> {
    switch (this.state) {
      case 'new':
        this.state = 'closed';
        return Promise.resolve();
      case 'connecting':
        this.settleConnect?.(new TransportError('TRANSPORT_CLOSED', 'closed while connecting'));
        return Promise.resolve();
      case 'open': {
        this.state = 'closing';
        this.rejectWaiters();
        this.closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));
        // Wait for the server's close frame, but not forever.
        this.closeTimer = setTimeout(() => {
          this.carrier!.terminate();
          this.finish({ byClient: true });
        }, this.options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
        this.carrier!.close(1000);
        return this.closed;
      }
      case 'closing':
        return this.closed!;
      case 'closed':
        return Promise.resolve();
    }
  }

  private get highWaterMark(): number {
    return this.options.highWaterMark ?? DEFAULTS.highWaterMark;
  }

  private carrierEvents(): CarrierEvents {
    return {
      open: () => {
        if (this.state !== 'connecting') return;
        this.state = 'open';
        try {
          // The init goes alone in the first message (§4.5); raw framing has none.
          const preamble = this.codec!.preamble;
          if (preamble.length > 0) this.carrier!.send(preamble);
        } catch (cause) {
          this.settleConnect?.(new TransportError('TRANSPORT_CONNECT_FAILED', `WebSocket to ${this.where} failed at once: ${String(cause)}`, { cause }));
          return;
        }
        this.settleConnect?.();
      },
      message: (data) => this.receive(data),
      flushed: () => this.checkDrain(),
      close: (code, reason) => this.onCarrierClose(code, reason),
      error: (error) => {
        if (this.state === 'connecting') this.settleConnect?.(error);
        else this.fail(error);
      },
    };
  }

  private receive(data: Uint8Array | string): void {
    if (this.state !== 'open') return;
    if (typeof data === 'string') {
      this.fail(new TransportError('TRANSPORT_PROTOCOL', `${this.where} sent a text message; MTProto uses binary messages only`));
      return;
    }
    try {
      this.codec!.feed(data);
    } catch (cause) {
      this.fail(
        cause instanceof ProtocolError
          ? new TransportError('TRANSPORT_PROTOCOL', `corrupt stream from ${this.where}: ${cause.message}`, { cause })
          : new TransportError('TRANSPORT_HANDLER', `a packet handler threw: ${String(cause)}`, { cause }),
      );
    }
  }

  private onCarrierClose(code: number, reason: string): void {
    if (this.state === 'connecting') {
      const error = closeError(code, reason, this.where, undefined);
      this.settleConnect?.(
        new TransportError('TRANSPORT_CONNECT_FAILED', `WebSocket to ${this.where} closed before it opened: ${error.message}`, {
          cause: error,
          closeCode: code,
          transportCode: error.transportCode,
        }),
      );
      return;
    }
    if (this.state === 'closing') {
      this.finish({ byClient: true });
      return;
    }
    if (this.state !== 'open') return;
    // Telegram may put the error only in the close reason: report it like a transport error packet.
    const fromReason = transportCodeFromReason(reason);
    if (fromReason !== undefined && fromReason !== this.lastTransportCode) {
      this.lastTransportCode = fromReason;
      try {
        this.handlers.transportError(TransportError.fromCode(fromReason));
      } catch {
        // The close below is reported either way.
      }
    }
    this.finish({ byClient: false, error: closeError(code, reason, this.where, this.lastTransportCode) });
  }

  private fail(error: TransportError): void {
    if (this.state !== 'open' && this.state !== 'closing') return;
    const byClient = this.state === 'closing';
    this.carrier?.terminate();
    this.finish(byClient ? { byClient } : { byClient, error });
  }

  /** Delivers the close exactly once. */
  private finish(info: TransportCloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeError = info.error;
    clearTimeout(this.closeTimer);
    this.rejectWaiters();
    this.resolveClosed?.();
    this.handlers.close(info);
  }

  private scheduleDrainCheck(): void {
    if (this.drainTimer !== undefined) return;
    // Carriers with flush events call checkDrain() themselves; the timer is a safety net there.
    const delay = this.carrier?.emitsFlushed ? 50 : DRAIN_POLL_MS;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      this.checkDrain();
    }, delay);
  }

  private checkDrain(): void {
    if (this.drainWaiters.length === 0 || this.state !== 'open') return;
    if (this.carrier!.bufferedAmount > this.highWaterMark) {
      this.scheduleDrainCheck();
      return;
    }
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private rejectWaiters(): void {
    clearTimeout(this.drainTimer);
    this.drainTimer = undefined;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(this.notOpenError());
  }

  private notOpenError(): TransportError {
    if (this.state === 'closed' || this.state === 'closing') {
      return new TransportError('TRANSPORT_CLOSED', 'the transport is closed', { cause: this.closeError });
    }
    return new TransportError('TRANSPORT_STATE', 'the transport is not connected yet');
  }
}
