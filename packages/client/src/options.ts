import type { TransportFactory } from '@x/mtproto-core';
import type { LogLevel, Logger } from './logger.js';
import type { SessionStorage } from './storage/storage.js';
import type { DcsOverride } from './dc/override.js';

/** How the client reaches the DCs. */
export type TransportChoice = TransportFactory | 'tcp' | 'websocket' | 'auto';

/** An HTTP(S) CONNECT proxy (WebSocket transport) or an MTProxy endpoint (TCP transport). */
export type ProxyOption = string | { url: string } | { type: 'mtproxy'; host: string; port: number; secret: string };

export interface ClientOptions {
  /** Log in as a bot with this token (`123456:ABC...`). Never logged. */
  botToken?: string;
  /**
   * Persist the session under this name: on Node a file `<name>.session.json` in the working
   * directory, in browsers `localStorage` key `x-mtproto:<name>`. Without it (and without
   * `storage`) the session lives in memory only.
   */
  sessionName?: string;
  /** Where to keep the session; overrides `sessionName`. `'memory'` keeps it in memory only. */
  storage?: SessionStorage | 'memory';
  /** Use the WebSocket transport instead of TCP (the firewall-friendly way). Default false. */
  webSocket?: boolean;
  /** With `webSocket`: `wss://` (true, default) or plain `ws://` (false). */
  webSocketTls?: boolean;
  /**
   * A transport factory of your own, or `'tcp'`, `'websocket'`, or `'auto'` (TCP first, WebSocket
   * if TCP fails or does not answer within `autoFallbackMs`). Overrides `webSocket`.
   */
  transport?: TransportChoice;
  /** With `transport: 'auto'`: how long TCP gets to connect and answer before WebSocket is tried. Default 5000. */
  autoFallbackMs?: number;
  /**
   * Replace the built-in DC table, e.g. with the local test DC: the JSON object `pnpm test-dc`
   * prints (`{ dcs: [{ id, host, tcpPort, wsUrl, wssUrl }], rsaPublicKeyPem, tlsCaPem }`). On Node
   * `rsaPublicKeyPem`/`tlsCaPem` may be file paths; in browsers they must be the PEM text.
   */
  dcs?: DcsOverride;
  /** Use Telegram's test servers. Default false. */
  testServers?: boolean;
  /** Prefer IPv6 TCP addresses. Default false. */
  ipv6?: boolean;
  proxy?: ProxyOption;
  /** A logger of your own (secrets are scrubbed before it sees anything). Default: console. */
  logger?: Logger;
  /** Minimum level logged. Default `'warn'`. */
  logLevel?: LogLevel;
  /** FLOOD_WAIT up to this many seconds is slept through and the call retried; above, FloodWaitError. Default 60. */
  floodSleepThreshold?: number;
  /** The DC to start from when the session has none. Default 2 (or the first DC of `dcs`). */
  defaultDcId?: number;
  /** `stop()` lets calls already under way finish for up to this long. Default 2000. */
  stopGraceMs?: number;
  /** Per-call timeout. Default: the session's own. */
  requestTimeoutMs?: number;
  /** How long an update gap may stay open before a difference is fetched. Default 500 ms. */
  updateGapTimeoutMs?: number;
  deviceModel?: string;
  systemVersion?: string;
  appVersion?: string;
  systemLangCode?: string;
  langPack?: string;
  langCode?: string;
}
