/** The factory both entries return: `kind: 'websocket'`, so @x/dc-registry supplies the URL. */
import type { ObfuscationCrypto, TransportFactory } from '@x/mtproto-core';
import type { OpenCarrier } from './carrier.js';
import { checkCommonOptions, type WebSocketFraming, type WebSocketTransportOptions } from './options.js';
import { WebSocketTransport } from './ws-transport.js';

export interface WebSocketTransportFactory extends TransportFactory {
  readonly kind: 'websocket';
  /** Whether targets should be `wss://` (pass it to the registry's `resolve({ tls })`). */
  readonly tls: boolean;
  readonly framing: WebSocketFraming;
  create(...args: Parameters<TransportFactory['create']>): WebSocketTransport;
}

export function createWebSocketFactory(
  options: WebSocketTransportOptions,
  crypto: ObfuscationCrypto,
  openCarrier: OpenCarrier,
): WebSocketTransportFactory {
  checkCommonOptions(options);
  const settings = { options: { ...options }, crypto, openCarrier };
  return {
    kind: 'websocket',
    tls: options.tls ?? true,
    framing: options.framing ?? 'intermediate',
    create: (target, handlers) => new WebSocketTransport(settings, target, handlers),
  };
}
