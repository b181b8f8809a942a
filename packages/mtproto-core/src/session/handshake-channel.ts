/**
 * Adapts a transport to the auth-key exchange's PlainChannel: unencrypted packets are queued for
 * `receive()`, which fails on deadline, abort, transport error or close.
 */
import type { PlainChannel } from '../auth/handshake.js';
import { AbortError, TimeoutError, type MtprotoError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

export class HandshakeChannel implements PlainChannel {
  private readonly transport: Transport;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly inbox: Uint8Array[] = [];
  private waiter: { resolve(packet: Uint8Array): void; reject(error: unknown): void } | undefined;
  private failure: MtprotoError | undefined;

  constructor(transport: Transport, timeoutMs: number, signal: AbortSignal | undefined) {
    this.transport = transport;
    this.timeoutMs = timeoutMs;
    this.signal = signal;
  }

  send(packet: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.transport.send(packet);
  }

  receive(): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const queued = this.inbox.shift();
    if (queued) return Promise.resolve(queued);
    if (this.signal?.aborted) return Promise.reject(new AbortError('auth-key exchange aborted', { cause: this.signal.reason }));
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => finish(() => reject(new AbortError('auth-key exchange aborted', { cause: this.signal?.reason })));
      const timer = setTimeout(
        () => finish(() => reject(new TimeoutError(`no answer to the auth-key exchange within ${this.timeoutMs} ms`))),
        this.timeoutMs,
      );
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        settle();
      };
      this.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = {
        resolve: (packet) => finish(() => resolve(packet)),
        reject: (error) => finish(() => reject(error)),
      };
    });
  }

  /** An unencrypted packet arrived. */
  deliver(packet: Uint8Array): void {
    if (this.waiter) this.waiter.resolve(packet);
    else if (this.inbox.length < 16) this.inbox.push(packet);
  }

  /** The transport failed or closed: the pending and every later receive() rejects with `error`. */
  fail(error: MtprotoError): void {
    this.failure ??= error;
    this.waiter?.reject(this.failure);
  }
}
