/**
 * DC id -> WebSocket endpoints (protocol notes §4.2-4.3, §4.6). The DC is picked by host name, so
 * the IP addresses of help.getConfig never apply here.
 */
import type { DcEndpoint } from './endpoint.js';
import { DcRegistryError } from './errors.js';
import {
  WEBSOCKET_DOMAIN,
  WEBSOCKET_MEDIA_SUFFIX,
  WEBSOCKET_NAMES,
  WEBSOCKET_PATH,
  WEBSOCKET_PRODUCTION_DCS,
  WEBSOCKET_TEST_DCS,
  WEBSOCKET_TEST_PATH,
} from './tables.js';

export function webSocketDcIds(test: boolean): readonly number[] {
  return test ? WEBSOCKET_TEST_DCS : WEBSOCKET_PRODUCTION_DCS;
}

/**
 * `wss://venus.web.telegram.org/apiws` and friends. Media connections get the `-1` host first and
 * the main host as a fallback (the `-1` hosts serve file transfers on an existing key only).
 */
export function webSocketEndpoints(dcId: number, options: { tls: boolean; test: boolean; media: boolean }): DcEndpoint[] {
  const { tls, test, media } = options;
  const name = WEBSOCKET_NAMES[dcId];
  if (name === undefined || !webSocketDcIds(test).includes(dcId)) {
    const known = webSocketDcIds(test).join(', ');
    throw new DcRegistryError(
      'DC_UNKNOWN',
      `unknown ${test ? 'test ' : ''}DC ${dcId} for WebSocket: Telegram serves WebSocket for ${test ? 'test ' : ''}DCs ${known}`,
    );
  }
  const scheme = tls ? 'wss' : 'ws';
  const port = tls ? 443 : 80;
  const path = test ? WEBSOCKET_TEST_PATH : WEBSOCKET_PATH;
  const labels = media ? [{ label: `${name}${WEBSOCKET_MEDIA_SUFFIX}`, media: true }, { label: name, media: false }] : [{ label: name, media: false }];
  return labels.map(({ label, media: mediaHost }) => {
    const host = `${label}.${WEBSOCKET_DOMAIN}`;
    // `media` marks the `-1` host itself; the main host fallback is a regular endpoint.
    return { dcId, test, media: mediaHost, host, port, url: `${scheme}://${host}/${path}`, source: 'built-in' as const };
  });
}
