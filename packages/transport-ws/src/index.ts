// @x/transport-ws, platform entry (browsers, Deno, Bun; the `default` condition): the platform's
// WebSocket, no Node built-ins and no `ws`. Node loads index.node.ts instead.
import { defaultCryptoProvider } from '@x/mtproto-core';
import { createWebSocketFactory, type WebSocketTransportFactory } from './factory.js';
import type { WebSocketTransportOptions } from './options.js';
import { platformCarrier, platformWebSocket, type WebSocketConstructor } from './platform-carrier.js';

export { WebSocketTransport } from './ws-transport.js';
export type { WebSocketTransportFactory } from './factory.js';
export type { WebSocketFraming, WebSocketTransportOptions } from './options.js';
export { platformWebSocket, type WebSocketConstructor, type WebSocketLike } from './platform-carrier.js';
export { transportCodeFromReason } from './close-reason.js';

export interface PlatformWebSocketTransportOptions extends WebSocketTransportOptions {
  /** The WebSocket class to use. Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
}

/**
 * A WebSocket transport factory over the platform WebSocket. Throws RangeError for options the
 * platform cannot honour (`ca`, `proxy`, `headers`, `agent`: the browser's own trust store and
 * proxy settings apply) and when there is no WebSocket class.
 */
export function webSocketTransport(options: PlatformWebSocketTransportOptions = {}): WebSocketTransportFactory {
  for (const key of ['ca', 'proxy', 'headers', 'agent']) {
    if ((options as Record<string, unknown>)[key] !== undefined) {
      throw new RangeError(`webSocketTransport: the platform WebSocket cannot take \`${key}\` (the platform's own TLS trust and proxy settings apply)`);
    }
  }
  const WebSocketClass = options.WebSocket ?? platformWebSocket();
  if (WebSocketClass === undefined) {
    throw new RangeError('webSocketTransport: this platform has no global WebSocket; pass one as the `WebSocket` option');
  }
  const { WebSocket: _constructor, ...common } = options;
  return createWebSocketFactory(common, options.crypto ?? defaultCryptoProvider, platformCarrier(WebSocketClass));
}
