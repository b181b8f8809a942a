/**
 * A DC table given by the user instead of the built-in one. Its shape is the JSON line the local
 * test DC (`pnpm test-dc`) prints, so any server printing it can be pointed at.
 */

export interface DcEndpointOverride {
  id: number;
  host?: string;
  tcpPort?: number;
  /** `ws://...` endpoint (with `webSocketTls: false`). */
  wsUrl?: string;
  /** `wss://...` endpoint (the default WebSocket choice). */
  wssUrl?: string;
}

export interface DcsOverride {
  dcs: DcEndpointOverride[];
  /** The server's RSA public key: PEM text, or on Node a file path. */
  rsaPublicKeyPem?: string;
  /** A CA certificate to trust for `wss://`: PEM text, or on Node a file path. */
  tlsCaPem?: string;
  /** Whether these are test DCs (DC ids sent as 10000 + id). Default false. */
  test?: boolean;
  /** The test DC's control endpoint, ignored by the client. */
  controlUrl?: string;
}

/** Validates an override parsed from JSON; throws a TypeError naming the bad field. */
export function parseDcsOverride(value: unknown, source = 'dcs'): DcsOverride {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${source}: expected an object with a "dcs" array`);
  const record = value as Record<string, unknown>;
  const list = record['dcs'];
  if (!Array.isArray(list) || list.length === 0) throw new TypeError(`${source}: "dcs" must be a non-empty array`);
  const dcs = list.map((entry: unknown, index): DcEndpointOverride => {
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`${source}: dcs[${index}] must be an object`);
    const e = entry as Record<string, unknown>;
    const id = e['id'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) throw new TypeError(`${source}: dcs[${index}].id must be a positive integer`);
    const out: DcEndpointOverride = { id };
    if (e['host'] !== undefined) out.host = expectString(e['host'], `${source}: dcs[${index}].host`);
    if (e['tcpPort'] !== undefined) out.tcpPort = expectPort(e['tcpPort'], `${source}: dcs[${index}].tcpPort`);
    if (e['wsUrl'] !== undefined) out.wsUrl = expectUrl(e['wsUrl'], ['ws:'], `${source}: dcs[${index}].wsUrl`);
    if (e['wssUrl'] !== undefined) out.wssUrl = expectUrl(e['wssUrl'], ['wss:'], `${source}: dcs[${index}].wssUrl`);
    return out;
  });
  const out: DcsOverride = { dcs };
  if (record['rsaPublicKeyPem'] !== undefined) out.rsaPublicKeyPem = expectString(record['rsaPublicKeyPem'], `${source}: rsaPublicKeyPem`);
  if (record['tlsCaPem'] !== undefined) out.tlsCaPem = expectString(record['tlsCaPem'], `${source}: tlsCaPem`);
  if (record['test'] !== undefined) {
    if (typeof record['test'] !== 'boolean') throw new TypeError(`${source}: "test" must be true or false`);
    out.test = record['test'];
  }
  if (typeof record['controlUrl'] === 'string') out.controlUrl = record['controlUrl'];
  return out;
}

export function isPemText(text: string): boolean {
  return text.includes('-----BEGIN ');
}

function expectString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  return value;
}

function expectPort(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw new TypeError(`${name} must be a port number`);
  return value;
}

function expectUrl(value: unknown, protocols: string[], name: string): string {
  const text = expectString(value, name);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`${name} is not a URL: ${text}`);
  }
  if (!protocols.includes(url.protocol)) throw new TypeError(`${name} must start with ${protocols.join(' or ')}//`);
  return text;
}
