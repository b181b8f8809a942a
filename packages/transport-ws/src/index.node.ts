// @x/transport-ws, Node entry (the `node` condition): the `ws` package, with a custom CA, extra
// headers and HTTP(S) proxies; node:crypto (through @x/mtproto-core) for obfuscation.
import type { Agent } from 'node:http';
import { defaultCryptoProvider } from '@x/mtproto-core';
import { createWebSocketFactory, type WebSocketTransportFactory } from './factory.js';
import { nodeCarrier, type NodeCarrierOptions } from './node-carrier.js';
import type { WebSocketTransportOptions } from './options.js';
import { platformCarrier, platformWebSocket, type WebSocketConstructor } from './platform-carrier.js';
import { proxyAgents, type ProxyOption } from './proxy.js';

export { WebSocketTransport } from './ws-transport.js';
export type { WebSocketTransportFactory } from './factory.js';
export type { WebSocketFraming, WebSocketTransportOptions } from './options.js';
export { platformWebSocket, type WebSocketConstructor, type WebSocketLike } from './platform-carrier.js';
export { transportCodeFromReason } from './close-reason.js';
export { proxyFromEnvironment, type ProxyOption } from './proxy.js';

export interface NodeWebSocketTransportOptions extends WebSocketTransportOptions {
  /** Extra trusted CA certificate(s), PEM (string or Buffer). Verification itself is never turned off. */
  ca?: NodeCarrierOptions['ca'];
  /**
   * HTTP(S) CONNECT proxy URL (`http://user:pass@proxy:3128`). Default: HTTPS_PROXY (wss) or
   * HTTP_PROXY (ws), else ALL_PROXY, honouring NO_PROXY. `false`: never use a proxy.
   */
  proxy?: ProxyOption;
  /** Your own `http.Agent` (e.g. a SOCKS agent); overrides `proxy`. */
  agent?: Agent;
  /** Extra headers on the upgrade request, e.g. `{ Origin: 'https://web.telegram.org' }`. */
  headers?: Record<string, string>;
  /**
   * Use this WHATWG WebSocket class instead of `ws` (e.g. Node 22's global WebSocket). `ca`,
   * `proxy`, `agent` and `headers` are then unavailable.
   */
  WebSocket?: WebSocketConstructor | 'global';
}

/** A WebSocket transport factory for Node (`ws`). */
export function webSocketTransport(options: NodeWebSocketTransportOptions = {}): WebSocketTransportFactory {
  const { ca, proxy, agent, headers, WebSocket: webSocketClass, ...common } = options;
  // Under the `node` condition this is @x/mtproto-core's node:crypto provider.
  const crypto = options.crypto ?? defaultCryptoProvider;
  if (webSocketClass !== undefined) {
    for (const [key, value] of Object.entries({ ca, proxy, agent, headers })) {
      if (value !== undefined) throw new RangeError(`webSocketTransport: \`${key}\` needs the ws carrier; leave out the \`WebSocket\` option`);
    }
    const WebSocketClass = webSocketClass === 'global' ? platformWebSocket() : webSocketClass;
    if (WebSocketClass === undefined) throw new RangeError('webSocketTransport: this Node has no global WebSocket (Node 22+, or --experimental-websocket)');
    return createWebSocketFactory(common, crypto, platformCarrier(WebSocketClass));
  }
  const agentFor = agent !== undefined ? () => agent : proxyAgents(proxy);
  return createWebSocketFactory(common, crypto, nodeCarrier({ ca, headers, agentFor }));
}
