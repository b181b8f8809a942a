/** What a transport author passes to the conformance suite, and what each check reports. */
import type { TransportFactory, TransportTarget } from '@x/mtproto-core';
import type { DcAddress, TestDc } from '@x/test-dc';

/**
 * The in-process test DC as the transport's factory and target functions see it. During the
 * chunking checks `dcs` and `endpoint()` point at a re-chunking loopback proxy instead of the DC,
 * so build the target from them rather than from cached addresses.
 */
export interface ConformanceServer {
  /** Every DC served: `{ id, host, tcpPort, wsUrl, wssUrl }`. */
  readonly dcs: readonly DcAddress[];
  /** The addresses of one DC. Throws for an unknown id. */
  endpoint(dcId: number): DcAddress;
  /** PEM a wss:// client must trust (the test DC's self-signed certificate). */
  readonly tlsCaPem: string | undefined;
  /** PKCS#1 PEM of the test DC's RSA key (the suite adds it to the session for you). */
  readonly rsaPublicKeyPem: string;
  /** The test DC itself (control API, fault switches, violations), for extra checks of your own. */
  readonly testDc: TestDc;
}

/** Names of the checks, in the order they run. */
export const CONFORMANCE_CHECKS = [
  'auth key exchange',
  'help.getConfig',
  'pipelined RPCs',
  'large request and response',
  '1-byte chunking',
  'many packets per chunk',
  'connect refused',
  'server close',
  'client close',
  'transport error codes',
  'WebSocket close codes',
  'reconnect with pending requests',
] as const;

export type ConformanceCheckName = (typeof CONFORMANCE_CHECKS)[number];

export interface TransportConformanceOptions {
  /** Your transport factory. Called once per suite run. */
  factory: (server: ConformanceServer) => TransportFactory;
  /** The target for a DC: e.g. `{ dcId, test: false, media: false, host, port }` or `{ ..., url }`. */
  target: (server: ConformanceServer, dcId: number) => TransportTarget;
  /**
   * Whether the carrier is byte-stream based over TCP (TCP, ws, wss, HTTP...), so the chunking
   * checks can re-chunk it through a loopback proxy. Default true; set false for carriers that
   * do not go through `host:port` / URL addresses of the test DC.
   */
  proxyable?: boolean;
  /**
   * The carrier is a WebSocket: also check that server close frames become TransportErrors with
   * `closeCode` (and `transportCode` from a Telegram-style `-404` reason). Default false.
   */
  webSocket?: boolean;
  /** RPCs in flight at once in the pipelining check. Default 1000. */
  pipelinedRpcs?: number;
  /** Size of the large upload and download. Default 1 MiB (sent as two 512 KiB parts, Telegram's part cap). */
  largePayloadBytes?: number;
  /** Run only these checks. Default: all of them. */
  only?: readonly ConformanceCheckName[];
  /** Deadline for each check. Default 20 000 ms. */
  checkTimeoutMs?: number;
}

export interface ConformanceCheckResult {
  name: ConformanceCheckName;
  ok: boolean;
  /** Why it failed. */
  error?: Error;
  durationMs: number;
}
