import type { TransportFactory, TransportTarget } from '@x/mtproto-core';

/** The transport kinds the client knows how to load; custom factories may use other kinds. */
export type TransportKind = 'tcp' | 'websocket';

/** One way to reach a DC: a factory and the address it should use. */
export interface TransportCandidate {
  factory: TransportFactory;
  target: TransportTarget;
  /** Give up on this candidate (and fall through to the next) after this long, including a probe call. */
  budgetMs?: number;
  /** Confirm the connection with a round trip before trusting it (catches black-holed ports). */
  probe: boolean;
}

/** Human-readable name of a candidate for logs and `connection` events. */
export function describeTarget(target: TransportTarget): string {
  if (target.url) return target.url;
  if (target.host) return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port ?? '?'}`;
  return `dc${target.dcId}`;
}
