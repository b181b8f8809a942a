/**
 * Built-in address tables. Each entry names where it comes from (protocol notes §4.3, §5.1-5.3).
 * Addresses change: a client refreshes them from help.getConfig (see `DcRegistry.applyConfig`);
 * these only bootstrap the first connection.
 */

/** One known TCP address of a DC. */
export interface BuiltInAddress {
  dcId: number;
  ip: string;
  ipv6: boolean;
  /** Only for file upload/download connections (dc_options `media_only`). */
  media: boolean;
  /** Where the value comes from. */
  source: string;
}

/**
 * Ports TDLib tries for every built-in address, in this order
 * (tdlib/td `td/telegram/net/ConnectionCreator.cpp`: `ports = {443, 80, 5222}`).
 * tdesktop uses 443 only (`mtproto_dc_options.cpp`).
 */
export const BUILT_IN_PORTS: readonly number[] = [443, 80, 5222];

const TDLIB = 'tdlib/td td/telegram/net/ConnectionCreator.cpp';
const TDESKTOP = 'telegramdesktop/tdesktop Telegram/SourceFiles/mtproto/mtproto_dc_options.cpp';
const GOTD_SNAPSHOT = 'gotd/td telegram/dcs/prod.go (a help.getConfig snapshot)';

function address(dcId: number, ip: string, source: string, media = false): BuiltInAddress {
  return { dcId, ip, ipv6: ip.includes(':'), media, source };
}

/** Production DCs 1..5 (protocol notes §5.1). */
export const PRODUCTION_ADDRESSES: readonly BuiltInAddress[] = [
  // DC1: TDLib and tdesktop kBuiltInDcs / kBuiltInDcsIPv6 agree.
  address(1, '149.154.175.50', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(1, '2001:b28:f23d:f001::a', `${TDLIB}; ${TDESKTOP} kBuiltInDcsIPv6`),
  // DC2: TDLib lists two IPv4 addresses; tdesktop the same.
  address(2, '149.154.167.51', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(2, '95.161.76.100', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(2, '2001:67c:4e8:f002::a', `${TDLIB}; ${TDESKTOP} kBuiltInDcsIPv6`),
  // DC2 media-only, from a help.getConfig snapshot.
  address(2, '149.154.167.222', GOTD_SNAPSHOT, true),
  address(2, '2001:67c:4e8:f002::b', GOTD_SNAPSHOT, true),
  // DC3
  address(3, '149.154.175.100', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(3, '2001:b28:f23d:f003::a', `${TDLIB}; ${TDESKTOP} kBuiltInDcsIPv6`),
  // DC4
  address(4, '149.154.167.91', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(4, '2001:67c:4e8:f004::a', `${TDLIB}; ${TDESKTOP} kBuiltInDcsIPv6`),
  // DC4 media-only, from a help.getConfig snapshot.
  address(4, '149.154.166.120', GOTD_SNAPSHOT, true),
  address(4, '2001:67c:4e8:f004::b', GOTD_SNAPSHOT, true),
  // DC5
  address(5, '149.154.171.5', `${TDLIB}; ${TDESKTOP} kBuiltInDcs`),
  address(5, '2001:b28:f23f:f005::a', `${TDLIB}; ${TDESKTOP} kBuiltInDcsIPv6`),
];

/** Test DCs 1..3 (protocol notes §5.2: TDLib `is_test` branch, tdesktop kBuiltInDcsTest, Web K test table). */
export const TEST_ADDRESSES: readonly BuiltInAddress[] = [
  address(1, '149.154.175.10', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsTest`),
  address(1, '2001:b28:f23d:f001::e', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsIPv6Test`),
  address(2, '149.154.167.40', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsTest`),
  address(2, '2001:67c:4e8:f002::e', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsIPv6Test`),
  address(3, '149.154.175.117', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsTest`),
  address(3, '2001:b28:f23d:f003::e', `${TDLIB} (is_test); ${TDESKTOP} kBuiltInDcsIPv6Test`),
];

/**
 * WebSocket host names under `web.telegram.org` (protocol notes §4.3, the same in five sources:
 * Telegram Web K `sslSubdomains` in src/lib/mtproto/dcConfigurator.ts, TDLib ConnectionCreator.cpp
 * `#if TD_EMSCRIPTEN`, GramJS TelegramClient.ts, mtcute packages/web/src/websocket.ts, gotd
 * telegram/dcs/prod.go). Web K's newer `kws{N}` and Web A's `zws{N}` names serve the same DCs.
 */
export const WEBSOCKET_NAMES: Readonly<Record<number, string>> = {
  1: 'pluto',
  2: 'venus',
  3: 'aurora',
  4: 'vesta',
  5: 'flora',
};

export const WEBSOCKET_DOMAIN = 'web.telegram.org';

/** Path on the WebSocket hosts: production and test (§4.2; TDLib wasm, mtcute, gotd, Web K). */
export const WEBSOCKET_PATH = 'apiws';
export const WEBSOCKET_TEST_PATH = 'apiws_test';

/**
 * Suffix of the upload/download host (`venus-1.web.telegram.org`): Web K `getTelegramConnectionSuffix()`,
 * GramJS/Web A `getDC()`. GramJS notes these hosts cannot create auth keys: do the DH exchange on
 * the main host, then reuse the key on the `-1` host.
 */
export const WEBSOCKET_MEDIA_SUFFIX = '-1';

/** DC ids served by WebSocket: 1..5 in production; 1..3 in test (TDLib's wasm test list). */
export const WEBSOCKET_PRODUCTION_DCS: readonly number[] = [1, 2, 3, 4, 5];
export const WEBSOCKET_TEST_DCS: readonly number[] = [1, 2, 3];

/**
 * Regions, community-reported (protocol notes §5.3): no Telegram page states them. Informational
 * only; never used to pick an address.
 */
export const DC_REGIONS: Readonly<Record<number, { city: string; country: string }>> = {
  1: { city: 'Miami', country: 'US' },
  2: { city: 'Amsterdam', country: 'NL' },
  3: { city: 'Miami', country: 'US' },
  4: { city: 'Amsterdam', country: 'NL' },
  5: { city: 'Singapore', country: 'SG' },
};
