/**
 * Turns "DC n over transport kind k" into addresses: from the user's override (e.g. the local test
 * DC) when given, else from @x/dc-registry's built-in and learned tables.
 */
import { MtprotoError, type TransportTarget } from '@x/mtproto-core';
import { DcRegistry } from '@x/dc-registry';
import type { TransportKind } from '../transport/candidates.js';
import type { DcsOverride } from './override.js';

export interface TargetSettings {
  test: boolean;
  ipv6: boolean;
  webSocketTls: boolean;
}

export class DcTargets {
  readonly registry: DcRegistry;

  constructor(
    private readonly settings: TargetSettings,
    private readonly override: DcsOverride | undefined,
  ) {
    this.registry = new DcRegistry();
  }

  /** The DC ids known, for picking a default. */
  knownDcIds(): number[] {
    if (this.override) return this.override.dcs.map((dc) => dc.id);
    return [1, 2, 3, 4, 5];
  }

  resolve(kind: TransportKind, dcId: number): TransportTarget[] {
    const { test, ipv6, webSocketTls } = this.settings;
    if (this.override) {
      const dc = this.override.dcs.find((entry) => entry.id === dcId);
      if (!dc) throw unknownDc(dcId, 'the dcs override');
      const base = { dcId, test: this.override.test ?? false, media: false };
      if (kind === 'tcp') {
        if (!dc.host || dc.tcpPort === undefined) throw noAddress(dcId, 'a TCP address (host + tcpPort)');
        return [{ ...base, host: dc.host, port: dc.tcpPort }];
      }
      const url = webSocketTls ? dc.wssUrl : dc.wsUrl;
      if (!url) throw noAddress(dcId, webSocketTls ? 'a wss:// URL (wssUrl)' : 'a ws:// URL (wsUrl)');
      return [{ ...base, url }];
    }
    return this.registry.resolve(dcId, { transport: kind === 'tcp' ? 'tcp' : 'ws', tls: webSocketTls, test, media: false, ipv6 });
  }
}

function unknownDc(dcId: number, where: string): MtprotoError {
  return new MtprotoError('DC_UNKNOWN', `DC ${dcId} is not in ${where}`);
}

function noAddress(dcId: number, what: string): MtprotoError {
  return new MtprotoError('DC_NO_ADDRESS', `DC ${dcId} has no ${what} in the dcs override`);
}
