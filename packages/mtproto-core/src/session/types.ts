/** Public types of the encrypted session (see the Session section of the package README). */
import type { CryptoProvider } from '../crypto/provider.js';
import type { MtprotoError } from '../errors.js';
import type { TlType } from '../tl/index.js';
import type { TransportFactory, TransportTarget } from '../transport/transport.js';
import type { RsaPublicKey } from '../crypto/index.js';

/** Everything needed to reuse an auth key later. `authKey` is secret: never log it. */
export interface AuthKeyState {
  /** 256 bytes. */
  authKey: Uint8Array;
  authKeyId: bigint;
  serverSalt: bigint;
  /** Server time minus local time, seconds. */
  timeOffset: number;
}

/** The fields of initConnection the application provides (spec §9.1). */
export interface InitConnectionParams {
  apiId: number;
  deviceModel: string;
  systemVersion: string;
  appVersion: string;
  systemLangCode: string;
  /** Third-party apps send `''`. */
  langPack: string;
  langCode: string;
}

export interface Logger {
  debug(message: string, data?: object): void;
  info(message: string, data?: object): void;
  warn(message: string, data?: object): void;
  error(message: string, data?: object): void;
}

export interface SessionOptions {
  transport: TransportFactory;
  target: TransportTarget;
  crypto: CryptoProvider;
  /** Extra server keys; Telegram's production and test keys are always known. */
  rsaKeys?: RsaPublicKey[];
  /** A saved key to reuse; without it the auth-key exchange runs on connect. */
  authKey?: AuthKeyState;
  initConnection: InitConnectionParams;
  logger?: Logger;
  /** Keepalive period (ping_delay_disconnect). Default 60 000. */
  pingIntervalMs?: number;
  /** How long to wait for any packet after a ping before the connection counts as dead. Default 15 000. */
  pongTimeoutMs?: number;
  /** Default per-request deadline. Default 60 000; 0 disables it. */
  requestTimeoutMs?: number;
  /** Reconnect with backoff after a transport drop (default `{ maxDelayMs: 30 000 }`), or not at all. */
  reconnect?: { maxDelayMs: number } | false;
  /** Deadline for each step of the auth-key exchange. Default 15 000. */
  handshakeTimeoutMs?: number;
  /** A lone msgs_ack is sent this long after the first unacknowledged message. Default 1 000. */
  ackDelayMs?: number;
  /**
   * Perfect forward secrecy (spec §6.8): traffic runs on temporary keys of `expiresIn` seconds
   * (e.g. 86 400), each bound to the permanent key with auth.bindTempAuthKey. Off by default.
   */
  pfs?: { expiresIn: number };
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface InvokeOptions {
  signal?: AbortSignal;
  /** Overrides `requestTimeoutMs` for this call; 0 disables the deadline. */
  timeoutMs?: number;
}

export interface SessionEvents {
  updates: (updates: TlType<'Updates'>) => void;
  state: (state: 'connecting' | 'connected' | 'reconnecting' | 'closed') => void;
  /** The server created a new session (new_session_created): updates may have been missed. */
  newSession: () => void;
  /** A key was created, or its salt or time offset changed: persist it. */
  authKey: (key: AuthKeyState) => void;
  /** A failure the session cannot recover from by itself, e.g. transport error -404 (key unknown). */
  error: (error: MtprotoError) => void;
}
