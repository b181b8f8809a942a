/**
 * startTestDc(): several DCs in one process, each with a TCP port, ws:// and wss:// endpoints,
 * one RSA key pair, one shared world, strict-mode violation log and a control API.
 */
import { generateServerRsaKey, loadServerRsaKey } from './crypto/rsa-key.js';
import { TestDcControl } from './control/control.js';
import { Dc } from './dc/dc.js';
import { DcListeners } from './net/listeners.js';
import { createLocalCertificate } from './net/tls-cert.js';
import type { DcEndpoint, ExportedAuthorization, SharedServerState } from './rpc/context.js';
import { ViolationLog, type Violation } from './violations.js';
import { World } from './world/world.js';

export interface TestDcOptions {
  /** DC ids to serve. Default [1, 2, 3, 4, 5]. */
  dcIds?: number[];
  /** Address to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * Fixed ports: DC number k (0-based in `dcIds`) gets TCP `base+3k`, ws `base+3k+1`,
   * wss `base+3k+2`. Default: free ports.
   */
  portBase?: number;
  /** Serve wss:// (default true). */
  wss?: boolean;
  /** Certificate for wss://; default: a fresh self-signed one for localhost, 127.0.0.1 and ::1. */
  tls?: { cert: string; key: string; ca?: string };
  /** Host name used in wss URLs (default `localhost`, which the generated certificate covers). */
  wssHost?: string;
  /** RSA private key (PEM). Default: a new 2048-bit key. */
  rsaPrivateKeyPem?: string;
  /** Record protocol violations (default true). */
  strict?: boolean;
  /** Seconds a server salt stays current (default 1800) and is accepted after (default 1800). */
  saltPeriodSeconds?: number;
  saltGraceSeconds?: number;
  /** rpc_result bodies above this many bytes are gzip_packed (default 512; 0 = never). */
  gzipThreshold?: number;
  /** Diagnostic lines (never secrets). Default: silent. */
  log?: (line: string) => void;
}

export interface DcAddress extends DcEndpoint {}

/** The JSON shape `pnpm test-dc` prints, with PEM text instead of file paths. */
export interface TestDcClientConfig {
  dcs: DcAddress[];
  rsaPublicKeyPem: string;
  tlsCaPem?: string;
}

export interface TestDc {
  readonly dcs: DcAddress[];
  /** PKCS#1 PEM of the server key: add it to a client's RSA keys. */
  readonly rsaPublicKeyPem: string;
  /** PKCS#8 PEM: pass back as `rsaPrivateKeyPem` to keep the key across runs. */
  readonly rsaPrivateKeyPem: string;
  readonly rsaFingerprint: bigint;
  /** What a client must trust for wss:// (undefined without wss). */
  readonly tlsCaPem: string | undefined;
  readonly control: TestDcControl;
  /** The shared in-memory world (for inspection). */
  readonly world: World;
  violations(): Violation[];
  clientConfig(): TestDcClientConfig;
  close(): Promise<void>;
}

export async function startTestDc(options: TestDcOptions = {}): Promise<TestDc> {
  const dcIds = options.dcIds ?? [1, 2, 3, 4, 5];
  if (dcIds.length === 0 || new Set(dcIds).size !== dcIds.length || dcIds.some((id) => !Number.isInteger(id) || id < 1 || id > 1000)) {
    throw new RangeError('dcIds must be distinct integers in 1..1000');
  }
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const rsa = options.rsaPrivateKeyPem !== undefined ? loadServerRsaKey(options.rsaPrivateKeyPem) : generateServerRsaKey();
  const wssEnabled = options.wss ?? true;
  const tls = wssEnabled
    ? options.tls !== undefined
      ? { cert: options.tls.cert, key: options.tls.key, caPem: options.tls.ca ?? options.tls.cert }
      : await createLocalCertificate(host === '127.0.0.1' || host === 'localhost' ? [] : [host])
    : undefined;
  const wssHost = options.wssHost ?? 'localhost';
  const violations = new ViolationLog(options.strict ?? true);
  const world = new World(dcIds);
  const endpoints: DcAddress[] = [];
  const shared: SharedServerState = {
    world,
    endpoints: () => endpoints,
    exportedAuthorizations: new Map<string, ExportedAuthorization>(),
    gzipThreshold: options.gzipThreshold ?? 512,
    activeSession: undefined,
    log,
  };
  const saltPolicy = { periodSeconds: options.saltPeriodSeconds ?? 1800, graceSeconds: options.saltGraceSeconds ?? 1800 };
  const dcs = new Map<number, Dc>();
  const listeners: DcListeners[] = [];

  const closeAll = async () => {
    for (const dc of dcs.values()) dc.close();
    await Promise.all(listeners.map((listener) => listener.close()));
  };

  try {
    for (const [index, dcId] of dcIds.entries()) {
      const dc = new Dc({ dcId, shared, rsa, violations, saltPolicy, log });
      dcs.set(dcId, dc);
      const listener = new DcListeners((carrier) => dc.accept(carrier));
      listeners.push(listener);
      const base = options.portBase !== undefined ? options.portBase + index * 3 : undefined;
      const wssHosts = wssHost === 'localhost' && host === '127.0.0.1' ? ['127.0.0.1', '::1'] : [host];
      const ports = await listener.listen({
        host,
        tcpPort: base ?? 0,
        wsPort: base !== undefined ? base + 1 : 0,
        ...(tls ? { wss: { port: base !== undefined ? base + 2 : 0, cert: tls.cert, key: tls.key, hosts: wssHosts } } : {}),
      });
      const urlHost = host.includes(':') ? `[${host}]` : host;
      endpoints.push({
        id: dcId,
        host,
        tcpPort: ports.tcpPort,
        wsUrl: `ws://${urlHost}:${ports.wsPort}/apiws`,
        ...(ports.wssPort !== undefined ? { wssUrl: `wss://${wssHost}:${ports.wssPort}/apiws` } : {}),
      });
      log(`dc ${dcId}: tcp ${host}:${ports.tcpPort}, ws ${ports.wsPort}${ports.wssPort !== undefined ? `, wss ${ports.wssPort}` : ''}`);
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  const control = new TestDcControl(world, dcs, violations);
  let closing: Promise<void> | undefined;
  return {
    dcs: endpoints,
    rsaPublicKeyPem: rsa.publicKeyPem,
    rsaPrivateKeyPem: rsa.privateKeyPem,
    rsaFingerprint: rsa.fingerprint,
    tlsCaPem: tls?.caPem,
    control,
    world,
    violations: () => violations.all(),
    clientConfig: () => ({
      dcs: endpoints.map((endpoint) => ({ ...endpoint })),
      rsaPublicKeyPem: rsa.publicKeyPem,
      ...(tls ? { tlsCaPem: tls.caPem } : {}),
    }),
    close: () => {
      closing ??= (async () => {
        control.dispose();
        await closeAll();
      })();
      return closing;
    },
  };
}
