/**
 * DcRegistry: DC id -> endpoints to try, for TCP and WebSocket, in production and test.
 *
 * Three layers, highest first:
 *   - an override (one call replaces every address, e.g. the local test DC's table);
 *   - addresses learned from help.getConfig / updateDcOptions (TCP only: WebSocket hosts are
 *     derived from the DC id);
 *   - the built-in tables (tables.ts), which stay as a fallback behind the learned addresses.
 *
 * Browser-safe, no dependencies, synchronous.
 */
import { checkDcOption, type DcOptionLike, type LearnedAddress } from './dc-option.js';
import type { DcEndpoint, ResolveOptions } from './endpoint.js';
import { DcRegistryError } from './errors.js';
import { parseMigration, type Migration } from './migration.js';
import { parseOverride, urlHostPort, type DcOverride, type DcOverrideEntry } from './override.js';
import { readRegistryJson, writeRegistryJson, type DcRegistryJson, type EnvironmentState } from './json.js';
import { DC_REGIONS, PRODUCTION_ADDRESSES, TEST_ADDRESSES } from './tables.js';
import { builtInCandidates, orderTcpEndpoints, type TcpCandidate } from './tcp.js';
import { webSocketDcIds, webSocketEndpoints } from './websocket.js';

export interface DcRegistryOptions {
  /** Replace every address with this table (object or JSON text). See `setOverride`. */
  override?: DcOverride | string;
}

/** The `config` fields the registry reads (help.getConfig's result, camelCase as decoded). */
export interface ConfigLike {
  dcOptions: readonly DcOptionLike[];
  /** `force_try_ipv6`: prefer IPv6 for every transport (protocol notes §5.4). */
  forceTryIpv6?: boolean;
}

export interface EnvironmentOption {
  /** The test environment. Default false (production). */
  test?: boolean;
}

type Environment = 'production' | 'test';

export class DcRegistry {
  private override: DcOverride | undefined;
  private readonly state: Record<Environment, EnvironmentState> = {
    production: emptyState(),
    test: emptyState(),
  };

  constructor(options: DcRegistryOptions = {}) {
    if (options.override !== undefined) this.setOverride(options.override);
  }

  /**
   * A registry that knows only the local test DC: pass its JSON line (text or parsed object);
   * `dcs` is read, everything else is left to the client.
   */
  static fromTestDc(json: string | { dcs: unknown[] }): DcRegistry {
    return new DcRegistry({ override: parseOverride(json) });
  }

  /** Restores what `toJSON()` saved (object or text). Throws DcRegistryError `DC_BAD_JSON`. */
  static fromJSON(json: string | DcRegistryJson): DcRegistry {
    const registry = new DcRegistry();
    const saved = readRegistryJson(json);
    registry.state.production = saved.production;
    registry.state.test = saved.test;
    return registry;
  }

  /**
   * The endpoints to try for a DC, best first. Throws DcRegistryError: `DC_UNKNOWN` for a DC id
   * not in the tables, `DC_NO_ADDRESS` when none fits the options, `DC_BAD_INPUT` for bad options.
   */
  resolve(dcId: number, options: ResolveOptions): DcEndpoint[] {
    checkDcId(dcId);
    const transport = options?.transport;
    if (transport !== 'tcp' && transport !== 'websocket' && transport !== 'ws') {
      throw new DcRegistryError('DC_BAD_INPUT', `resolve(): transport must be 'tcp' or 'websocket', got ${String(transport)}`);
    }
    const test = options.test ?? false;
    const media = options.media ?? false;
    const tls = options.tls ?? true;
    if (this.override !== undefined) return this.resolveOverride(this.override, dcId, { transport, test, media, tls });
    if (transport !== 'tcp') {
      if (options.cdn) throw new DcRegistryError('DC_NO_ADDRESS', `CDN DC ${dcId} has no WebSocket endpoint; use TCP`);
      return webSocketEndpoints(dcId, { tls, test, media });
    }
    return this.resolveTcp(dcId, {
      test,
      media,
      ipv6: options.ipv6 ?? this.env(test).preferIpv6,
      obfuscated: options.obfuscated ?? true,
      cdn: options.cdn ?? false,
    });
  }

  /**
   * Learns the addresses of a help.getConfig answer, replacing those learned before for this
   * environment (the config is the full list). Atomic: a malformed entry throws `DC_BAD_INPUT`
   * and changes nothing.
   */
  applyConfig(config: ConfigLike, options: EnvironmentOption = {}): void {
    if (config === null || typeof config !== 'object' || !Array.isArray(config.dcOptions)) {
      throw new DcRegistryError('DC_BAD_INPUT', 'applyConfig(): expected a config with a dcOptions array');
    }
    const learned = config.dcOptions.map(checkDcOption);
    const state = this.env(options.test ?? false);
    state.learned = learned;
    state.preferIpv6 = config.forceTryIpv6 === true;
  }

  /**
   * Applies an `updateDcOptions` update: for every (DC, IPv4/IPv6, media, CDN) group it mentions,
   * its addresses replace the learned ones of that group; other groups stay. Atomic like applyConfig.
   */
  applyDcOptionsUpdate(dcOptions: readonly DcOptionLike[], options: EnvironmentOption = {}): void {
    if (!Array.isArray(dcOptions)) throw new DcRegistryError('DC_BAD_INPUT', 'applyDcOptionsUpdate(): expected an array');
    const incoming = dcOptions.map(checkDcOption);
    const groups = new Set(incoming.map(groupKey));
    const state = this.env(options.test ?? false);
    state.learned = [...(state.learned ?? []).filter((address) => !groups.has(groupKey(address))), ...incoming];
  }

  /**
   * Reads a `*_MIGRATE_X` error (the text, or an RpcError). PHONE/NETWORK/USER migrations make
   * X the home DC; FILE/STATS ones only point one request elsewhere. Returns undefined (and
   * changes nothing) for other errors.
   */
  noteMigration(error: string | { errorMessage?: unknown }, options: EnvironmentOption = {}): Migration | undefined {
    const migration = parseMigration(error);
    if (migration?.home) this.env(options.test ?? false).homeDcId = migration.dcId;
    return migration;
  }

  /** The account's home DC, if a migration or `setHomeDc` told it. */
  homeDc(options: EnvironmentOption = {}): number | undefined {
    return this.env(options.test ?? false).homeDcId;
  }

  setHomeDc(dcId: number | undefined, options: EnvironmentOption = {}): void {
    if (dcId !== undefined) checkDcId(dcId);
    this.env(options.test ?? false).homeDcId = dcId;
  }

  /**
   * Replaces every address (built-in and learned) with this table, or removes the override with
   * `undefined`. Learned state is kept underneath and comes back when the override is removed.
   */
  setOverride(override: DcOverride | string | undefined): void {
    this.override = override === undefined ? undefined : parseOverride(override);
  }

  get overridden(): boolean {
    return this.override !== undefined;
  }

  /** The DC ids that resolve for this transport and environment (CDN DCs excluded). */
  dcIds(options: { transport: ResolveOptions['transport']; test?: boolean }): number[] {
    const test = options.test ?? false;
    if (this.override !== undefined) {
      const wanted = options.transport === 'tcp' ? (dc: DcOverrideEntry) => dc.host !== undefined : (dc: DcOverrideEntry) => dc.wsUrl !== undefined || dc.wssUrl !== undefined;
      return this.override.dcs.filter(wanted).map((dc) => dc.id).sort((a, b) => a - b);
    }
    if (options.transport !== 'tcp') return [...webSocketDcIds(test)];
    const ids = new Set<number>((test ? TEST_ADDRESSES : PRODUCTION_ADDRESSES).map((address) => address.dcId));
    for (const address of this.env(test).learned ?? []) if (!address.cdn) ids.add(address.dcId);
    return [...ids].sort((a, b) => a - b);
  }

  /** Community-reported location of a production DC (informational; no Telegram page states it). */
  region(dcId: number): { city: string; country: string } | undefined {
    return DC_REGIONS[dcId];
  }

  /** Learned addresses and home DCs, for the session file. The override and the built-ins are not saved. */
  toJSON(): DcRegistryJson {
    return writeRegistryJson(this.state);
  }

  private env(test: boolean): EnvironmentState {
    return this.state[test ? 'test' : 'production'];
  }

  private resolveTcp(dcId: number, selection: { test: boolean; media: boolean; ipv6: boolean; obfuscated: boolean; cdn: boolean }): DcEndpoint[] {
    const { test } = selection;
    const learned: TcpCandidate[] = (this.env(test).learned ?? [])
      .filter((address) => address.dcId === dcId)
      .map((address) => ({ ...address, source: 'config' as const }));
    const builtIn = selection.cdn ? [] : builtInCandidates(test ? TEST_ADDRESSES : PRODUCTION_ADDRESSES, dcId);
    const all = [...learned, ...builtIn];
    if (all.length === 0 || !all.some((candidate) => candidate.cdn === selection.cdn)) {
      const what = selection.cdn ? 'CDN DC' : test ? 'test DC' : 'DC';
      throw new DcRegistryError('DC_UNKNOWN', `unknown ${what} ${dcId}: known ${test ? 'test ' : ''}DCs are ${this.dcIds({ transport: 'tcp', test }).join(', ')}`);
    }
    const endpoints = orderTcpEndpoints(all, selection);
    if (endpoints.length === 0) {
      const hint = !selection.ipv6 && all.some((candidate) => candidate.ipv6) ? ' (only IPv6 addresses are known: pass ipv6: true)' : '';
      throw new DcRegistryError('DC_NO_ADDRESS', `DC ${dcId} has no TCP address for these options${hint}`);
    }
    return endpoints;
  }

  private resolveOverride(
    override: DcOverride,
    dcId: number,
    options: { transport: ResolveOptions['transport']; test: boolean; media: boolean; tls: boolean },
  ): DcEndpoint[] {
    const entry = override.dcs.find((dc) => dc.id === dcId);
    if (entry === undefined) {
      throw new DcRegistryError('DC_UNKNOWN', `unknown DC ${dcId}: the override table has DCs ${override.dcs.map((dc) => dc.id).join(', ')}`);
    }
    const addresses = options.media && entry.media ? { ...entry, ...entry.media } : entry;
    const base = { dcId, test: override.test ?? options.test, media: options.media && entry.media !== undefined, source: 'override' as const };
    if (options.transport === 'tcp') {
      if (addresses.host === undefined || addresses.tcpPort === undefined) {
        throw new DcRegistryError('DC_NO_ADDRESS', `DC ${dcId} has no TCP address (host + tcpPort) in the override table`);
      }
      return [{ ...base, host: addresses.host, port: addresses.tcpPort }];
    }
    const url = options.tls ? addresses.wssUrl : addresses.wsUrl;
    if (url === undefined) {
      const field = options.tls ? 'wssUrl (or pass tls: false for wsUrl)' : 'wsUrl';
      throw new DcRegistryError('DC_NO_ADDRESS', `DC ${dcId} has no WebSocket URL in the override table: ${field} is missing`);
    }
    return [{ ...base, ...urlHostPort(url), url }];
  }
}

function emptyState(): EnvironmentState {
  return { learned: undefined, preferIpv6: false, homeDcId: undefined };
}

function groupKey(address: LearnedAddress): string {
  return `${address.dcId}|${address.ipv6}|${address.media}|${address.cdn}`;
}

function checkDcId(dcId: number): void {
  if (!Number.isInteger(dcId) || dcId <= 0) {
    throw new DcRegistryError('DC_BAD_INPUT', `DC id must be a positive integer, got ${String(dcId)}`);
  }
}
