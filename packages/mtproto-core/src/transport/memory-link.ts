/**
 * An in-memory byte pipe pair, like a socketpair: bytes written at one end arrive, asynchronously
 * and in order, at the other. It behaves like a socket where it matters to transports: writes
 * report back-pressure, delivery can be cut into small chunks, and either end can close.
 */

export interface MemoryLinkOptions {
  /** Deliver every write in pieces of at most this many bytes (1 = byte by byte). Default: whole writes. */
  chunkSize?: number;
  /** `write()` returns false while more than this many bytes wait for delivery. Default 64 KiB. */
  highWaterMark?: number;
}

export class MemoryLinkEnd {
  /** Called with each delivered chunk; the receiver owns it. */
  onData: ((chunk: Uint8Array) => void) | undefined;
  /** Called when queued bytes fall back under the high-water mark after `write()` returned false. */
  onDrain: (() => void) | undefined;
  /** Called once when the other end closed (after all its bytes were delivered) or destroyed the link. */
  onClose: (() => void) | undefined;

  /** @internal */ peer!: MemoryLinkEnd;
  private readonly chunkSize: number;
  private readonly highWaterMark: number;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private needDrain = false;
  private flushScheduled = false;
  private ending = false;
  private closed = false;
  private paused = false;

  constructor(options: MemoryLinkOptions) {
    this.chunkSize = options.chunkSize ?? Infinity;
    this.highWaterMark = options.highWaterMark ?? 64 * 1024;
  }

  /** Bytes written here and not yet delivered to the other end. */
  get bufferedAmount(): number {
    return this.queued;
  }

  get isClosed(): boolean {
    return this.closed || this.ending;
  }

  /** Queues `bytes` for the other end (ownership passes with them). False means: wait for `onDrain`. */
  write(bytes: Uint8Array): boolean {
    if (this.isClosed) throw new Error('MemoryLinkEnd: write after close');
    if (bytes.length > 0) {
      this.queue.push(bytes);
      this.queued += bytes.length;
      this.schedule();
    }
    const below = this.queued <= this.highWaterMark;
    if (!below) this.needDrain = true;
    return below;
  }

  /** Stops delivery to this end, like a reader that stopped reading: the writer's queue fills up. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.peer.schedule();
  }

  /** Closes gracefully: bytes already written are delivered first, then the other end sees onClose. */
  end(): void {
    if (this.isClosed) return;
    this.ending = true;
    this.schedule();
  }

  /** Closes at once, dropping undelivered bytes; the other end sees onClose. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.queued = 0;
    queueMicrotask(() => this.peer.closedByPeer());
  }

  private schedule(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0 && !this.closed && !this.peer.paused) {
      const bytes = this.queue.shift()!;
      this.queued -= bytes.length;
      for (let at = 0; at < bytes.length && !this.closed; at += this.chunkSize) {
        this.peer.deliver(bytes.subarray(at, Math.min(bytes.length, at + this.chunkSize)));
      }
    }
    if (this.queue.length > 0) return;
    if (this.needDrain && this.queued <= this.highWaterMark && !this.closed) {
      this.needDrain = false;
      this.onDrain?.();
    }
    if (this.ending && !this.closed) {
      this.closed = true;
      this.peer.closedByPeer();
    }
  }

  private deliver(chunk: Uint8Array): void {
    if (!this.closed) this.onData?.(chunk);
  }

  /** The other end went away. An end that closed itself first is not told about it. */
  private closedByPeer(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = false;
    this.queue.length = 0;
    this.queued = 0;
    this.onClose?.();
  }
}

/** Creates two connected ends: `[clientEnd, serverEnd]`. */
export function createMemoryLink(options: MemoryLinkOptions = {}): [MemoryLinkEnd, MemoryLinkEnd] {
  const a = new MemoryLinkEnd(options);
  const b = new MemoryLinkEnd(options);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
