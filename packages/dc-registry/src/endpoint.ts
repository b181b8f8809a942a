/**
 * What `resolve()` returns. `DcEndpoint` has the shape of `TransportTarget` from @x/mtproto-core
 * (checked by a type test), plus a few read-only facts about where the address came from. It is
 * declared here so the package has no dependency at all.
 */

/** `'ws'` is accepted as a short alias of `'websocket'`. */
export type DcTransportKind = 'tcp' | 'websocket' | 'ws';

export type EndpointSource = 'built-in' | 'config' | 'override';

export interface DcEndpoint {
  dcId: number;
  /** Test servers (the DC id travels as 10000 + id in the obfuscated init). */
  test: boolean;
  /** A file upload/download endpoint (the DC id travels negated). */
  media: boolean;
  /** IP address (TCP) or host name (WebSocket). */
  host: string;
  port: number;
  /** WebSocket only: the full `wss://` or `ws://` URL. */
  url?: string;
  /** MTProxy-style secret this address requires (dc_options `secret`). */
  secret?: Uint8Array;
  /** Where the address comes from. */
  source: EndpointSource;
  /** TCP only: the address is IPv6. */
  ipv6?: boolean;
  /** TCP only: the server accepts only obfuscated TCP here (dc_options `tcpo_only`). */
  obfuscatedOnly?: boolean;
  /** From the static part of the config: tried after the others (dc_options `static`). */
  static?: boolean;
}

export interface ResolveOptions {
  transport: DcTransportKind;
  /** WebSocket only: `wss://` on 443 (default) or `ws://` on 80. */
  tls?: boolean;
  /** Test environment. Default false. */
  test?: boolean;
  /** A file upload/download connection. Default false. */
  media?: boolean;
  /**
   * TCP only: also use IPv6 addresses, and try them first. Default false (IPv4 only), unless a
   * config with `force_try_ipv6` was applied.
   */
  ipv6?: boolean;
  /**
   * TCP only: the transport will obfuscate. Default true (as every transport of this project does).
   * With `false`, addresses flagged `tcpo_only` are left out.
   */
  obfuscated?: boolean;
  /** Resolve a CDN DC learned from `dc_options` (`cdn` flag). Default false. */
  cdn?: boolean;
}
