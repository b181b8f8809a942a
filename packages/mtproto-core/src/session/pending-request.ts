/**
 * One `invoke()` call from the moment it is queued until it settles. A request may go on the wire
 * several times (salt change, clock resync, reconnect): each time with a new msg_id; every id it
 * ever used stays mapped to it, so an answer to any of them settles it once.
 */
import type { TlMethod } from '../tl/index.js';

export class PendingRequest {
  readonly method: TlMethod;
  readonly name: string;
  /** Invoke order: resent requests go back into the queue in this order. */
  readonly order: number;
  /** The msg_id of the latest send; undefined while queued. */
  msgId: bigint | undefined;
  /** The msg_id of the packet of the latest send: the container's id, or `msgId` when sent alone. */
  packetMsgId: bigint | undefined;
  /** Every msg_id this request was sent with. */
  readonly msgIds: bigint[] = [];
  /** How many times it went on the wire. */
  sends = 0;
  /** The server acknowledged receipt (msgs_ack or msg_detailed_info). */
  acked = false;
  /** The latest send carried the invokeWithLayer(initConnection(...)) wrapper (then every earlier one did too). */
  wrapped = false;
  settled = false;
  /** Goes out even while the queue is held (auth.bindTempAuthKey). */
  priority = false;
  /** Never wrapped in initConnection, never gzipped. */
  bare = false;
  /** Builds the method for the msg_id it is about to be sent with (when the body depends on it). */
  prepare: ((msgId: bigint) => TlMethod) | undefined;
  private readonly onResolve: (value: unknown) => void;
  private readonly onReject: (error: unknown) => void;
  private cleanup: (() => void) | undefined;

  constructor(
    method: TlMethod,
    order: number,
    resolve: (value: unknown) => void,
    reject: (error: unknown) => void,
  ) {
    this.method = method;
    this.name = method._;
    this.order = order;
    this.onResolve = resolve;
    this.onReject = reject;
  }

  /** Registers what to undo when the request settles (deadline timer, abort listener). */
  setCleanup(cleanup: () => void): void {
    this.cleanup = cleanup;
  }

  resolve(value: unknown): void {
    if (this.settle()) this.onResolve(value);
  }

  reject(error: unknown): void {
    if (this.settle()) this.onReject(error);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.cleanup?.();
    this.cleanup = undefined;
    return true;
  }
}
