/**
 * Turns "DC n over transport kind k" into addresses through @x/dc-registry: its built-in tables,
 * what it learned from help.getConfig (saved with the session), or the user's override (e.g. the
 * local test DC), which replaces everything.
 */
import { DcRegistry } from '@x/dc-registry';
import type { TransportTarget } from '@x/mtproto-core';
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
    override: DcsOverride | undefined,
    saved: unknown,
  ) {
    this.registry = restore(saved);
    if (override) this.registry.setOverride({ dcs: override.dcs, ...(override.test !== undefined ? { test: override.test } : {}) });
  }

  /** The DC ids known for this transport, for picking a default. */
  knownDcIds(kind: TransportKind): number[] {
    return this.registry.dcIds({ transport: kind, test: this.settings.test });
  }

  resolve(kind: TransportKind, dcId: number): TransportTarget[] {
    const { test, ipv6, webSocketTls } = this.settings;
    return this.registry.resolve(dcId, { transport: kind, tls: webSocketTls, test, media: false, ipv6 });
  }

  /** Learned state for the session (the override and built-ins are not saved). */
  toJSON(): unknown {
    return this.registry.toJSON();
  }
}

function restore(saved: unknown): DcRegistry {
  if (saved === undefined || saved === null) return new DcRegistry();
  try {
    return DcRegistry.fromJSON(saved as Parameters<typeof DcRegistry.fromJSON>[0]);
  } catch {
    // Learned addresses are a cache: start from the built-in tables if they no longer parse.
    return new DcRegistry();
  }
}
