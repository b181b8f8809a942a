/**
 * Drives the author's transport directly (no session), recording every handler call, for the
 * close and transport-error checks.
 */
import { decodePlainMessage, deserializeTl, encodePlainMessage, serializeTl, type Transport, type TransportCloseInfo, type TransportError } from '@x/mtproto-core';
import { randomBytes } from 'node:crypto';
import type { Harness } from './harness.js';
import { check } from './util.js';

export interface RecordedTransport {
  transport: Transport;
  packets: Uint8Array[];
  transportErrors: TransportError[];
  closes: TransportCloseInfo[];
  /** Handler calls that came after `close` (the contract forbids them). */
  callsAfterClose: string[];
}

export async function openRecordedTransport(harness: Harness, dcId: number): Promise<RecordedTransport> {
  const recorded: Partial<RecordedTransport> & Omit<RecordedTransport, 'transport'> = {
    packets: [],
    transportErrors: [],
    closes: [],
    callsAfterClose: [],
  };
  const afterClose = (name: string) => {
    if (recorded.closes.length > 0) recorded.callsAfterClose.push(name);
  };
  const transport = harness.factory.create(harness.target(dcId), {
    packet: (data) => {
      afterClose('packet');
      recorded.packets.push(data);
    },
    transportError: (error) => {
      afterClose('transportError');
      recorded.transportErrors.push(error);
    },
    close: (info) => {
      afterClose('close');
      recorded.closes.push(info);
    },
  });
  recorded.transport = transport;
  await transport.connect({ timeoutMs: 5_000 });
  return recorded as RecordedTransport;
}

/** An unencrypted req_pq_multi packet: the server answers it with resPQ. */
export function reqPqPacket(): Uint8Array {
  const msgId = (BigInt(Math.floor(Date.now() / 1000)) << 32n) | (BigInt(randomBytes(4).readUInt32LE() >>> 2) << 2n);
  return encodePlainMessage(msgId, serializeTl({ _: 'req_pq_multi', nonce: new Uint8Array(randomBytes(16)) }));
}

export function checkIsResPq(packet: Uint8Array | undefined): void {
  check(packet !== undefined, 'no packet received');
  const body = deserializeTl(decodePlainMessage(packet).body);
  check(body._ === 'resPQ', `expected resPQ, got ${body._}`);
}

export function checkClosedOnce(recorded: RecordedTransport, byClient: boolean): void {
  check(recorded.closes.length === 1, `handlers.close called ${recorded.closes.length} times, expected exactly once`);
  check(recorded.closes[0].byClient === byClient, `close info byClient=${recorded.closes[0].byClient}, expected ${byClient}`);
  check(recorded.callsAfterClose.length === 0, `handlers called after close: ${recorded.callsAfterClose.join(', ')}`);
}
