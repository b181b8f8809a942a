/**
 * Strict mode: what a client does that Telegram's servers reject or mishandle is recorded as a
 * protocol violation, so tests can assert that a client is clean even where this server copes.
 */
import { EventEmitter } from 'node:events';

export type ViolationKind =
  | 'ws-several-packets-in-message'
  | 'ws-packet-split-across-messages'
  | 'ws-missing-binary-subprotocol'
  | 'msg-id-not-increasing'
  | 'msg-id-not-divisible-by-4'
  | 'seq-no-parity'
  | 'seq-no-order'
  | 'padding-out-of-range'
  | 'message-invalid'
  | 'container-invalid'
  | 'api-call-before-layer'
  | 'handshake-invalid';

export interface Violation {
  kind: ViolationKind;
  dcId: number;
  connectionId: number;
  detail: string;
  /** ISO time. */
  at: string;
}

export class ViolationLog {
  readonly strict: boolean;
  private readonly list: Violation[] = [];
  private readonly emitter = new EventEmitter();

  constructor(strict: boolean) {
    this.strict = strict;
  }

  report(kind: ViolationKind, where: { dcId: number; connectionId: number }, detail: string): void {
    if (!this.strict) return;
    const violation: Violation = { kind, dcId: where.dcId, connectionId: where.connectionId, detail, at: new Date().toISOString() };
    this.list.push(violation);
    if (this.list.length > 10_000) this.list.shift();
    this.emitter.emit('violation', violation);
  }

  all(): Violation[] {
    return [...this.list];
  }

  clear(): void {
    this.list.length = 0;
  }

  on(listener: (violation: Violation) => void): () => void {
    this.emitter.on('violation', listener);
    return () => this.emitter.off('violation', listener);
  }
}
