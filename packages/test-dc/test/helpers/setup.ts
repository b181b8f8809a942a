/** Shared test setup: one server per file, strict mode on, violations checked by the tests. */
import { startTestDc, type TestDc, type TestDcOptions } from '../../src/index.js';
import { parsePublicKeyPem, type PublicKey } from './client-crypto.js';
import { MiniClient } from './mini-client.js';
import type { CarrierOptions } from './carrier.js';

export async function startServer(options: TestDcOptions = {}): Promise<{ dc: TestDc; publicKey: PublicKey }> {
  const dc = await startTestDc({ dcIds: [1, 2, 3], ...options });
  return { dc, publicKey: parsePublicKeyPem(dc.rsaPublicKeyPem) };
}

export type Route = { name: string } & Omit<CarrierOptions, 'host' | 'port' | 'url' | 'ca'>;

/** Every way in: each TCP framing plain and obfuscated, ws and wss with each obfuscated framing. */
export const ROUTES: Route[] = [
  { name: 'tcp abridged', kind: 'tcp', framing: 'abridged', obfuscated: false },
  { name: 'tcp intermediate', kind: 'tcp', framing: 'intermediate', obfuscated: false },
  { name: 'tcp padded', kind: 'tcp', framing: 'padded', obfuscated: false },
  { name: 'tcp full', kind: 'tcp', framing: 'full', obfuscated: false },
  { name: 'tcp obfuscated abridged', kind: 'tcp', framing: 'abridged', obfuscated: true },
  { name: 'tcp obfuscated intermediate (dc id in init)', kind: 'tcp', framing: 'intermediate', obfuscated: true, initDcId: 2 },
  { name: 'tcp obfuscated padded', kind: 'tcp', framing: 'padded', obfuscated: true },
  { name: 'ws intermediate', kind: 'ws', framing: 'intermediate', obfuscated: true },
  { name: 'ws abridged', kind: 'ws', framing: 'abridged', obfuscated: true },
  { name: 'wss padded', kind: 'wss', framing: 'padded', obfuscated: true },
  { name: 'wss intermediate (dc id in init)', kind: 'wss', framing: 'intermediate', obfuscated: true, initDcId: 10002 },
];

export function openClient(dc: TestDc, dcId: number, route: Omit<Route, 'name'> & { name?: string }): Promise<MiniClient> {
  const endpoint = dc.dcs.find((item) => item.id === dcId);
  if (endpoint === undefined) throw new Error(`no DC ${dcId}`);
  const { name: _name, ...rest } = route as Route;
  if (route.kind === 'tcp') return MiniClient.open({ ...rest, host: endpoint.host, port: endpoint.tcpPort });
  if (route.kind === 'ws') return MiniClient.open({ ...rest, url: endpoint.wsUrl });
  return MiniClient.open({ ...rest, url: endpoint.wssUrl, ...(dc.tlsCaPem !== undefined ? { ca: dc.tlsCaPem } : {}) });
}

/** A bot token whose home DC (id mod DC count) is `home` among `dcIds`. */
export function botTokenFor(home: number, dcIds: number[] = [1, 2, 3], seed = 0): string {
  for (let id = 100000 + seed * 1000; ; id++) {
    if (dcIds[id % dcIds.length] === home) return `${id}:TEST-secret_${id}`;
  }
}
