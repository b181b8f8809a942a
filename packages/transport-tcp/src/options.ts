/**
 * Options of the TCP transport and how they resolve: framing, obfuscation, MTProxy.
 */
import type { Socket } from 'node:net';
import { parseProxySecret, type FramingKind, type ObfuscationCrypto } from '@x/mtproto-core';

export interface MtproxyAddress {
  host: string;
  port: number;
  /** 16-byte secret, or 17 bytes starting with 0xdd (padded framing forced); hex, base64url or bytes. */
  secret: string | Uint8Array;
}

export interface TcpTransportOptions {
  /** Default `'intermediate'`. */
  framing?: FramingKind;
  /**
   * Obfuscate the stream (obfuscated2), as TDLib always does: it keeps middleboxes from
   * recognising MTProto. Default true, except with `full`, which cannot be obfuscated.
   */
  obfuscated?: boolean;
  /** Default for `connect({ timeoutMs })`: 10 s. */
  connectTimeoutMs?: number;
  /**
   * Connect through an MTProxy instead of the target's address: `'host:port:secret'`
   * (`'[::1]:443:dd...'` for IPv6) or an object. Forces obfuscation; a `dd` secret forces `padded`.
   */
  proxy?: { mtproxy: string | MtproxyAddress };
  /** AES-CTR, SHA-256 and randomness for obfuscation and padding. Default: `defaultCryptoProvider` (node:crypto). */
  crypto?: ObfuscationCrypto;
  /** `send()` waits for the socket to drain once this many bytes are queued. Default 1 MiB. */
  highWaterMark?: number;
  /**
   * Hard cap on queued bytes for callers that do not await `send()`: beyond it `send()` rejects with
   * `TRANSPORT_BUFFER_FULL` (before framing, so the stream stays consistent). Default 64 MiB.
   */
  maxBufferedBytes?: number;
  /** TCP keepalive probe delay in ms, or false to disable. Default 30 s. */
  keepAlive?: number | false;
  /** Close with `TRANSPORT_TIMEOUT` when nothing is received for this long. Default: off (the session pings). */
  idleTimeoutMs?: number;
  /** Largest packet accepted or sent. Default 16 MiB. */
  maxPacketLength?: number;
  /** How long `close()` waits for the server's FIN before destroying the socket. Default 2 s. */
  closeTimeoutMs?: number;
  /**
   * Creates the socket instead of `net.connect` (SOCKS libraries, tests). It must return a socket
   * that is connecting, i.e. will emit `connect` or `error`.
   */
  createConnection?: (options: { host: string; port: number; writableHighWaterMark: number }) => Socket;
}

/** What a connection actually does, after defaults, proxy and secret rules are applied. */
export interface ResolvedTcpOptions {
  framing: FramingKind;
  obfuscated: boolean;
  proxy: { host: string; port: number; key: Uint8Array } | undefined;
}

export function resolveTcpOptions(options: TcpTransportOptions): ResolvedTcpOptions {
  let framing = options.framing ?? 'intermediate';
  let proxy: ResolvedTcpOptions['proxy'];
  if (options.proxy !== undefined) {
    const address =
      typeof options.proxy.mtproxy === 'string' ? parseMtproxyAddress(options.proxy.mtproxy) : options.proxy.mtproxy;
    const secret = parseProxySecret(address.secret);
    if (secret.forcePadded) framing = 'padded';
    proxy = { host: address.host, port: address.port, key: secret.key };
    if (options.obfuscated === false) throw new RangeError('an MTProxy connection is always obfuscated');
  }
  const obfuscated = proxy !== undefined || (options.obfuscated ?? framing !== 'full');
  if (obfuscated && framing === 'full') throw new RangeError('the full framing cannot be obfuscated; pick another framing');
  return { framing, obfuscated, proxy };
}

/** Parses `host:port:secret`; IPv6 hosts go in brackets: `[2001:db8::1]:443:secret`. */
export function parseMtproxyAddress(text: string): MtproxyAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5}):(\S+)$/.exec(text.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new RangeError(`MTProxy address must look like host:port:secret, got "${text.replace(/:[^:]*$/, ':…')}"`);
  }
  return { host: match[1] ?? match[2], port, secret: match[4] };
}
