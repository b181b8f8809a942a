/** Node-side failures of a WebSocket as TransportErrors with clear messages. */
import type { IncomingMessage } from 'node:http';
import { TransportError } from '@x/mtproto-core';

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|^ERR_TLS_|^ERR_SSL_|HOSTNAME|ALTNAME/;

export function connectError(error: NodeJS.ErrnoException, url: string, viaProxy: boolean): TransportError {
  const code = error.code ?? '';
  const through = viaProxy ? ' (through the proxy)' : '';
  if (code === 'ECONNREFUSED') {
    const what = viaProxy ? `the proxy refused the connection for ${url}` : `connection refused by ${url}`;
    return new TransportError('TRANSPORT_CONNECT_REFUSED', what, { cause: error });
  }
  if (TLS_CODES.test(code)) {
    return new TransportError(
      'TRANSPORT_CONNECT_FAILED',
      `TLS certificate of ${url} not trusted${through} (${code}: ${error.message}); ` +
        'for a server with a private CA pass its certificate as the `ca` option',
      { cause: error },
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TransportError('TRANSPORT_CONNECT_FAILED', `cannot resolve the host of ${url}${through} (${code})`, { cause: error });
  }
  return new TransportError('TRANSPORT_CONNECT_FAILED', `cannot open a WebSocket to ${url}${through}: ${code || error.message}`, {
    cause: error,
  });
}

export function socketError(error: NodeJS.ErrnoException, url: string): TransportError {
  // ws's own codes: the server broke the WebSocket framing (bad opcode, oversized message...).
  if (error.code?.startsWith('WS_ERR_')) {
    return new TransportError('TRANSPORT_PROTOCOL', `WebSocket to ${url}: ${error.message} (${error.code})`, { cause: error });
  }
  return new TransportError('TRANSPORT_RESET', `WebSocket to ${url} failed: ${error.code ?? error.message}`, { cause: error });
}

/**
 * The server answered the upgrade with a plain HTTP response. A 200 page or a redirect is what
 * captive portals and intercepting proxies send (Telegram itself answers 302 on hosts without
 * WebSocket, protocol notes §4.2): that gets its own code, TRANSPORT_CAPTIVE_PORTAL.
 */
export function upgradeError(url: string, response: IncomingMessage, viaProxy: boolean): TransportError {
  const status = response.statusCode ?? 0;
  const type = String(response.headers['content-type'] ?? '').split(';')[0].trim();
  const location = response.headers.location;
  const described = `HTTP ${status}${type ? ` (${type})` : ''}${location ? ` redirecting to ${location}` : ''}`;
  if (status === 407) {
    return new TransportError('TRANSPORT_CONNECT_FAILED', `the proxy wants authentication for ${url} (HTTP 407): put user:password in the proxy URL`);
  }
  if ((status >= 200 && status < 300) || (status >= 300 && status < 400)) {
    return new TransportError(
      'TRANSPORT_CAPTIVE_PORTAL',
      `${url} answered the WebSocket upgrade with ${described} instead of 101: ` +
        `a captive portal (hotel/airport Wi-Fi login), an intercepting ${viaProxy ? 'proxy' : 'proxy or firewall'}, ` +
        'or a host without WebSocket. Log in to the network or try another transport.',
    );
  }
  return new TransportError('TRANSPORT_CONNECT_FAILED', `${url} refused the WebSocket upgrade: ${described}`);
}
