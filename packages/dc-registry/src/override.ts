/**
 * Wholesale overrides: a table that replaces every built-in and learned address, e.g. the local
 * test DC's. Its JSON line looks like
 *
 *   {"dcs":[{"id":1,"host":"127.0.0.1","tcpPort":N,"wsUrl":"ws://127.0.0.1:P/apiws",
 *            "wssUrl":"wss://localhost:Q/apiws"}, ...], "rsaPublicKeyPem":"PATH", ...}
 *
 * Only `dcs` is read here; the client handles the PEM paths and control URL.
 */
import { isValidPort } from './dc-option.js';
import { DcRegistryError } from './errors.js';

export interface DcOverrideEntry {
  id: number;
  /** TCP host (IP or name). */
  host?: string;
  tcpPort?: number;
  /** `ws://` URL for `tls: false`. */
  wsUrl?: string;
  /** `wss://` URL for `tls: true`. */
  wssUrl?: string;
  /** File upload/download variants; default: the same as the main ones. */
  media?: { host?: string; tcpPort?: number; wsUrl?: string; wssUrl?: string };
}

export interface DcOverride {
  dcs: DcOverrideEntry[];
  /**
   * The `test` flag put on every endpoint. Default: whatever `resolve()` was asked for. The flag
   * decides the DC id the client announces (10000 + id for test).
   */
  test?: boolean;
}

/** Checks an override (object or JSON text, e.g. the test DC's first output line). */
export function parseOverride(input: unknown): DcOverride {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new DcRegistryError('DC_BAD_INPUT', `DC override is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  if (value === null || typeof value !== 'object' || !Array.isArray((value as { dcs?: unknown }).dcs)) {
    throw new DcRegistryError('DC_BAD_INPUT', 'DC override needs a "dcs" array');
  }
  const { dcs, test } = value as { dcs: unknown[]; test?: unknown };
  if (test !== undefined && typeof test !== 'boolean') throw bad('"test" must be a boolean');
  if (dcs.length === 0) throw bad('"dcs" is empty');
  const seen = new Set<number>();
  const entries = dcs.map((raw, index) => {
    const entry = checkEntry(raw, `dcs[${index}]`);
    if (seen.has(entry.id)) throw bad(`dcs[${index}]: DC ${entry.id} is listed twice`);
    seen.add(entry.id);
    return entry;
  });
  return test === undefined ? { dcs: entries } : { dcs: entries, test };
}

function checkEntry(raw: unknown, where: string): DcOverrideEntry {
  if (raw === null || typeof raw !== 'object') throw bad(`${where} is not an object`);
  const entry = raw as Record<string, unknown>;
  const id = entry.id;
  if (!Number.isInteger(id) || (id as number) <= 0 || (id as number) > 0x7fff) {
    throw bad(`${where}: id ${String(id)} is not a positive int16`);
  }
  const out: DcOverrideEntry = { id: id as number, ...checkAddresses(entry, where) };
  if (out.host === undefined && out.wsUrl === undefined && out.wssUrl === undefined) {
    throw bad(`${where}: DC ${out.id} has neither host + tcpPort nor a WebSocket URL`);
  }
  if (entry.media !== undefined) {
    if (entry.media === null || typeof entry.media !== 'object') throw bad(`${where}.media is not an object`);
    out.media = checkAddresses(entry.media as Record<string, unknown>, `${where}.media`);
  }
  return out;
}

function checkAddresses(entry: Record<string, unknown>, where: string): Omit<DcOverrideEntry, 'id' | 'media'> {
  const out: Omit<DcOverrideEntry, 'id' | 'media'> = {};
  const { host, tcpPort, wsUrl, wssUrl } = entry;
  if (host !== undefined || tcpPort !== undefined) {
    if (typeof host !== 'string' || host.length === 0) throw bad(`${where}: host must be a non-empty string with tcpPort`);
    if (!isValidPort(tcpPort)) throw bad(`${where}: tcpPort ${String(tcpPort)} is not 1..65535`);
    out.host = host;
    out.tcpPort = tcpPort;
  }
  if (wsUrl !== undefined) out.wsUrl = checkUrl(wsUrl, 'ws:', `${where}.wsUrl`);
  if (wssUrl !== undefined) out.wssUrl = checkUrl(wssUrl, 'wss:', `${where}.wssUrl`);
  return out;
}

function checkUrl(value: unknown, protocol: 'ws:' | 'wss:', where: string): string {
  if (typeof value !== 'string') throw bad(`${where} is not a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad(`${where}: "${value}" is not a URL`);
  }
  if (url.protocol !== protocol) throw bad(`${where}: "${value}" must start with ${protocol}//`);
  return value;
}

/** host and port of a ws:// or wss:// URL (default ports 80 / 443). */
export function urlHostPort(value: string): { host: string; port: number } {
  const url = new URL(value);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  return { host, port };
}

function bad(message: string): DcRegistryError {
  return new DcRegistryError('DC_BAD_INPUT', `DC override: ${message}`);
}
