// A WebSocket transport with every handler call recorded.
import { TransportError, type TransportCloseInfo, type TransportFactory, type TransportTarget } from '@x/mtproto-core';
import type { WebSocketTransport } from '../../src/index.node.js';

export interface Recorded {
  transport: WebSocketTransport;
  calls: string[];
  packets: Uint8Array[];
  quickAcks: number[];
  errors: TransportError[];
  closes: TransportCloseInfo[];
  closed: Promise<TransportCloseInfo>;
}

export function client(factory: TransportFactory, target: Partial<TransportTarget>): Recorded {
  const calls: string[] = [];
  const packets: Uint8Array[] = [];
  const quickAcks: number[] = [];
  const errors: TransportError[] = [];
  const closes: TransportCloseInfo[] = [];
  let resolveClosed!: (info: TransportCloseInfo) => void;
  const closed = new Promise<TransportCloseInfo>((resolve) => (resolveClosed = resolve));
  const transport = factory.create(
    { dcId: 2, test: false, media: false, ...target },
    {
      packet: (data) => {
        calls.push('packet');
        packets.push(data);
      },
      quickAck: (token) => {
        calls.push('quickAck');
        quickAcks.push(token);
      },
      transportError: (error) => {
        calls.push('transportError');
        errors.push(error);
      },
      close: (info) => {
        calls.push('close');
        closes.push(info);
        resolveClosed(info);
      },
    },
  ) as WebSocketTransport;
  return { transport, calls, packets, quickAcks, errors, closes, closed };
}

/** The rejection of a promise (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    return error as TransportError;
  }
  throw new Error('expected a rejection');
}
