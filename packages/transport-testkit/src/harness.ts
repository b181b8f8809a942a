/**
 * The environment the checks share: one in-process test DC (DC 1 for sessions, DC 2 for raw
 * transport and fault checks), the author's factory, and helpers to open sessions.
 */
import { defaultCryptoProvider, MtprotoSession, parseRsaPublicKey, RpcError, type AuthKeyState, type TransportFactory, type TransportTarget } from '@x/mtproto-core';
import { createServer } from 'node:net';
import { startTestDc, type DcAddress, type TestDc } from '@x/test-dc';
import type { ConformanceServer, TransportConformanceOptions } from './options.js';
import { startRechunkProxy, type RechunkMode, type RechunkProxy } from './rechunk-proxy.js';

export const SESSION_DC = 1;
export const FAULT_DC = 2;

export interface Harness {
  readonly server: ConformanceServer;
  readonly testDc: TestDc;
  readonly factory: TransportFactory;
  readonly options: TransportConformanceOptions;
  target(dcId: number, view?: ConformanceServer): TransportTarget;
  /** A session on DC 1 (reconnect after 100 ms at most), not yet connected. */
  session(options?: { view?: ConformanceServer; authKey?: AuthKeyState }): MtprotoSession;
  /** Signs a bot in on `session` (DC 1), for methods that need a user. */
  signInBot(session: MtprotoSession): Promise<void>;
  /** A view of the server whose addresses go through a re-chunking proxy. */
  proxiedView(mode: RechunkMode): Promise<{ view: ConformanceServer; forwardedBytes(): number; close(): Promise<void> }>;
  /** A view of the server whose every address is a loopback port nobody listens on. */
  refusingView(): Promise<ConformanceServer>;
  close(): Promise<void>;
}

export async function startHarness(options: TransportConformanceOptions): Promise<Harness> {
  const testDc = await startTestDc({ dcIds: [SESSION_DC, FAULT_DC] });
  const rsaKey = parseRsaPublicKey(defaultCryptoProvider, testDc.rsaPublicKeyPem);
  const server = serverView(testDc, testDc.dcs);
  let factory: TransportFactory;
  try {
    factory = options.factory(server);
  } catch (error) {
    await testDc.close();
    throw error;
  }
  const openSessions = new Set<MtprotoSession>();
  const harness: Harness = {
    server,
    testDc,
    factory,
    options,
    target: (dcId, view = server) => options.target(view, dcId),
    session: ({ view = server, authKey } = {}) => {
      const session = new MtprotoSession({
        transport: factory,
        target: options.target(view, SESSION_DC),
        crypto: defaultCryptoProvider,
        rsaKeys: [rsaKey],
        ...(authKey !== undefined ? { authKey } : {}),
        initConnection: {
          apiId: 1,
          deviceModel: 'transport-testkit',
          systemVersion: process.version,
          appVersion: '0.1.0',
          systemLangCode: 'en',
          langPack: '',
          langCode: 'en',
        },
        reconnect: { maxDelayMs: 100 },
        requestTimeoutMs: 20_000,
      });
      openSessions.add(session);
      session.on('state', (state) => {
        if (state === 'closed') openSessions.delete(session);
      });
      return session;
    },
    signInBot: async (session) => {
      // The bot's home DC follows from its id; try ids until one lives on DC 1.
      for (let id = 700_000; id < 700_010; id++) {
        try {
          await session.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'testkit', botAuthToken: `${id}:testkit-${id}` });
          return;
        } catch (error) {
          if (!(error instanceof RpcError && error.errorCode === 303)) throw error;
        }
      }
      throw new Error('no bot id with home DC 1 found');
    },
    proxiedView: async (mode) => {
      const proxies: RechunkProxy[] = [];
      const proxied = async (host: string, port: number) => {
        const proxy = await startRechunkProxy({ host, port }, mode);
        proxies.push(proxy);
        return proxy.port;
      };
      try {
        const dcs: DcAddress[] = [];
        for (const endpoint of testDc.dcs) {
          dcs.push({
            ...endpoint,
            tcpPort: await proxied(endpoint.host, endpoint.tcpPort),
            wsUrl: await proxiedUrl(endpoint.wsUrl, proxied),
            ...(endpoint.wssUrl !== undefined ? { wssUrl: await proxiedUrl(endpoint.wssUrl, proxied) } : {}),
          });
        }
        return {
          view: serverView(testDc, dcs),
          forwardedBytes: () => proxies.reduce((sum, proxy) => sum + proxy.forwardedBytes, 0),
          close: () => Promise.all(proxies.map((proxy) => proxy.close())).then(() => {}),
        };
      } catch (error) {
        await Promise.all(proxies.map((proxy) => proxy.close()));
        throw error;
      }
    },
    refusingView: async () => {
      const port = await closedPort();
      const dcs = testDc.dcs.map((endpoint) => ({
        ...endpoint,
        tcpPort: port,
        wsUrl: withPort(endpoint.wsUrl, port),
        ...(endpoint.wssUrl !== undefined ? { wssUrl: withPort(endpoint.wssUrl, port) } : {}),
      }));
      return serverView(testDc, dcs);
    },
    close: async () => {
      await Promise.all([...openSessions].map((session) => session.close().catch(() => {})));
      await testDc.close();
    },
  };
  return harness;
}

function serverView(testDc: TestDc, dcs: DcAddress[]): ConformanceServer {
  return {
    dcs,
    endpoint: (dcId) => {
      const endpoint = dcs.find((candidate) => candidate.id === dcId);
      if (endpoint === undefined) throw new RangeError(`the test DC serves no DC ${dcId}`);
      return endpoint;
    },
    tlsCaPem: testDc.tlsCaPem,
    rsaPublicKeyPem: testDc.rsaPublicKeyPem,
    testDc,
  };
}

function withPort(text: string, port: number): string {
  const url = new URL(text);
  url.port = String(port);
  return url.toString();
}

/** A loopback port that was just free: listen on an ephemeral port, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no ephemeral port');
  return address.port;
}

/** Same URL, port replaced by a proxy's; the host name is kept so TLS verification still applies. */
async function proxiedUrl(text: string, proxied: (host: string, port: number) => Promise<number>): Promise<string> {
  const url = new URL(text);
  const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
  url.port = String(await proxied('127.0.0.1', port));
  return url.toString();
}
