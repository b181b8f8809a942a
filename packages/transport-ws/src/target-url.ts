/**
 * The URL to open for a target: its `url` (what @x/dc-registry gives), else one built from host
 * and port with the Telegram path (`/apiws`, `/apiws_test` for test DCs).
 */
import { TransportError, type TransportTarget } from '@x/mtproto-core';

export function targetUrl(target: TransportTarget, tls: boolean): string {
  if (target.url !== undefined) {
    let url: URL;
    try {
      url = new URL(target.url);
    } catch (cause) {
      throw new TransportError('TRANSPORT_CONNECT_FAILED', `DC ${target.dcId}: "${target.url}" is not a URL`, { cause });
    }
    if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
      throw new TransportError('TRANSPORT_CONNECT_FAILED', `DC ${target.dcId}: a WebSocket URL must start with wss:// or ws://, got "${target.url}"`);
    }
    return target.url;
  }
  if (target.host === undefined || target.host === '') {
    throw new TransportError('TRANSPORT_CONNECT_FAILED', `DC ${target.dcId}: the target has neither a url nor a host`);
  }
  const host = target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host;
  const defaultPort = tls ? 443 : 80;
  const port = target.port === undefined || target.port === defaultPort ? '' : `:${target.port}`;
  return `${tls ? 'wss' : 'ws'}://${host}${port}/${target.test ? 'apiws_test' : 'apiws'}`;
}
