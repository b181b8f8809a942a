/**
 * WebSocket close frames as transport errors. Telegram always closes with 1000 and puts the real
 * error code in the reason, as decimal text, possibly space-padded (protocol notes §4.1).
 */
import { describeTransportCode, TransportError } from '@x/mtproto-core';

/** The transport error code in a close reason (`'-404'`, `' 429'`), as a negative int32; else undefined. */
export function transportCodeFromReason(reason: string): number | undefined {
  const match = /^\s*-?(\d{1,9})\s*$/.exec(reason);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value === 0 ? undefined : -value;
}

const CLOSE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure, no close frame',
  1007: 'invalid payload',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'server error',
  1012: 'service restart',
  1013: 'try again later',
  1015: 'TLS handshake failure',
};

/**
 * The error for a close the client did not ask for. `transportCode` is the reason's code, else the
 * last transport error packet received.
 */
export function closeError(code: number, reason: string, where: string, lastTransportCode: number | undefined): TransportError {
  const fromReason = transportCodeFromReason(reason);
  const transportCode = fromReason ?? lastTransportCode;
  const name = CLOSE_NAMES[code] ?? (code >= 4000 ? 'application-defined' : 'unknown code');
  let message = `WebSocket to ${where} closed by the server: ${code} (${name})`;
  if (reason.trim() !== '' && fromReason === undefined) message += `, reason "${printable(reason)}"`;
  if (transportCode !== undefined) message += `; transport error ${transportCode}: ${describeTransportCode(transportCode)}`;
  // 1006 is never sent on the wire: the connection dropped without a close frame.
  const errorCode = code === 1006 ? 'TRANSPORT_RESET' : 'TRANSPORT_CLOSED';
  return new TransportError(errorCode, message, { closeCode: code, transportCode });
}

function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 123 ? `${clean.slice(0, 120)}...` : clean;
}
