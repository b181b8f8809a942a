/**
 * Fault switches (per DC or per connection, changeable at run time). A connection's effective
 * faults are its DC's merged with its own (its own win). Counters (`corruptFrames`, `wrongMsgKey`,
 * `floodWait.count`) are consumed as they fire.
 */

export interface FloodWaitFault {
  /** TL method name, e.g. `messages.sendMessage` (matched after unwrapping invokeWithLayer etc.). */
  method: string;
  /** The X of FLOOD_WAIT_X. */
  seconds: number;
  /** How many calls get the error; default: every call until cleared. */
  count?: number;
}

export interface Faults {
  /** Serve this many client packets, then drop the connection when the next one arrives. */
  dropAfterPackets?: number;
  /** Answer the next client packet with this transport error (-404, -429, -444...) and close. */
  transportError?: number;
  /** Corrupt this many outgoing frames (flips a payload byte after framing). */
  corruptFrames?: number;
  /** Send this many encrypted messages with a wrong msg_key. */
  wrongMsgKey?: number;
  /** Hold everything the server sends for this many ms (from when the switch is set). */
  stallMs?: number;
  /** FLOOD_WAIT_X for a method. */
  floodWait?: FloodWaitFault;
  /** Seconds added to the server clock (msg_ids, server_time, dates). */
  clockSkewSeconds?: number;
  /** WebSocket only: close with this code (and reason) when the next client packet arrives. */
  wsClose?: { code: number; reason?: string };
}

/** A one-shot action rather than a standing switch. */
export type FaultAction = 'rotateSalt';

export const FAULT_KEYS: readonly (keyof Faults)[] = [
  'dropAfterPackets',
  'transportError',
  'corruptFrames',
  'wrongMsgKey',
  'stallMs',
  'floodWait',
  'clockSkewSeconds',
  'wsClose',
];

/** Validates untrusted input (the HTTP control endpoint) into Faults. */
export function parseFaults(input: unknown): Faults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('faults must be an object');
  const record = input as Record<string, unknown>;
  const out: Faults = {};
  for (const key of Object.keys(record)) {
    if (!(FAULT_KEYS as readonly string[]).includes(key)) throw new TypeError(`unknown fault switch "${key}"`);
  }
  const int = (key: string, min: number, max: number): number | undefined => {
    const value = record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new TypeError(`fault "${key}" must be an integer in ${min}..${max}`);
    }
    return value;
  };
  const assign = <K extends keyof Faults>(key: K, value: Faults[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  assign('dropAfterPackets', int('dropAfterPackets', 0, 1e9));
  assign('transportError', int('transportError', -0x7fffffff, -1));
  assign('corruptFrames', int('corruptFrames', 0, 1e9));
  assign('wrongMsgKey', int('wrongMsgKey', 0, 1e9));
  assign('stallMs', int('stallMs', 0, 3_600_000));
  assign('clockSkewSeconds', int('clockSkewSeconds', -86400 * 365, 86400 * 365));
  if (record['floodWait'] !== undefined && record['floodWait'] !== null) {
    const flood = record['floodWait'] as Record<string, unknown>;
    if (typeof flood !== 'object' || typeof flood['method'] !== 'string' || typeof flood['seconds'] !== 'number') {
      throw new TypeError('fault "floodWait" must be { method: string, seconds: number, count?: number }');
    }
    const seconds = flood['seconds'];
    const count = flood['count'];
    if (!Number.isInteger(seconds) || seconds < 0) throw new TypeError('floodWait.seconds must be a non-negative integer');
    if (count !== undefined && (typeof count !== 'number' || !Number.isInteger(count) || count < 1)) {
      throw new TypeError('floodWait.count must be a positive integer');
    }
    out.floodWait = { method: flood['method'], seconds, ...(count !== undefined ? { count } : {}) };
  }
  if (record['wsClose'] !== undefined && record['wsClose'] !== null) {
    const close = record['wsClose'] as Record<string, unknown>;
    const code = close['code'];
    if (typeof close !== 'object' || typeof code !== 'number' || !isSendableCloseCode(code)) {
      throw new TypeError('fault "wsClose" must be { code: 1000-1003, 1007-1014 or 3000-4999, reason?: string }');
    }
    if (close['reason'] !== undefined && typeof close['reason'] !== 'string') throw new TypeError('wsClose.reason must be a string');
    out.wsClose = { code, ...(typeof close['reason'] === 'string' ? { reason: close['reason'] } : {}) };
  }
  return out;
}

/** Close codes an endpoint may send (RFC 6455 §7.4; 1004-1006 and 1015 are reserved). */
export function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
}
