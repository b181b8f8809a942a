/** The fault switches set on one DC or one connection, with the time a stall started. */
import type { Faults } from './faults.js';

export class FaultScope {
  faults: Faults = {};
  /** Absolute time (ms) until which outgoing bytes are held. */
  stallUntil = 0;

  /** Merges `faults` into the current switches (`undefined` values clear a switch). */
  set(faults: Faults): void {
    const next: Faults = { ...this.faults };
    for (const [key, value] of Object.entries(faults) as [keyof Faults, unknown][]) {
      if (value === undefined) delete next[key];
      else (next as Record<string, unknown>)[key] = value;
    }
    this.faults = next;
    if (faults.stallMs !== undefined) this.stallUntil = Date.now() + faults.stallMs;
  }

  clear(): void {
    this.faults = {};
    this.stallUntil = 0;
  }

  /** Takes one unit of a counted switch; true when the fault fires. */
  take(key: 'corruptFrames' | 'wrongMsgKey'): boolean {
    const left = this.faults[key];
    if (left === undefined || left <= 0) return false;
    if (left === 1) delete this.faults[key];
    else this.faults[key] = left - 1;
    return true;
  }

  /** Takes one FLOOD_WAIT for `method`; returns its seconds when it fires. */
  takeFloodWait(method: string): number | undefined {
    const flood = this.faults.floodWait;
    if (flood === undefined || flood.method !== method) return undefined;
    if (flood.count !== undefined) {
      if (flood.count <= 1) delete this.faults.floodWait;
      else this.faults.floodWait = { ...flood, count: flood.count - 1 };
    }
    return flood.seconds;
  }
}

/** Looks a switch up on the connection first, then on its DC. */
export function pickScope<K extends keyof Faults>(key: K, own: FaultScope, dc: FaultScope): FaultScope | undefined {
  if (own.faults[key] !== undefined) return own;
  if (dc.faults[key] !== undefined) return dc;
  return undefined;
}
