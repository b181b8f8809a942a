// A TCP transport with every handler call recorded.
import {
  TransportError,
  type Transport,
  type TransportCloseInfo,
  type TransportTarget,
} from '@x/mtproto-core';
import { tcpTransport, type TcpTransportOptions } from '../src/index.js';

export interface Recorded {
  transport: Transport;
  calls: string[];
  packets: Uint8Array[];
  quickAcks: number[];
  errors: TransportError[];
  closes: TransportCloseInfo[];
  closed: Promise<TransportCloseInfo>;
}

export function client(
  options: TcpTransportOptions,
  target: Partial<TransportTarget> & { host?: string; port?: number },
): Recorded {
  const calls: string[] = [];
  const packets: Uint8Array[] = [];
  const quickAcks: number[] = [];
  const errors: TransportError[] = [];
  const closes: TransportCloseInfo[] = [];
  let resolveClosed!: (info: TransportCloseInfo) => void;
  const closed = new Promise<TransportCloseInfo>((resolve) => (resolveClosed = resolve));
  const transport = tcpTransport(options).create(
    { dcId: 2, test: true, media: false, ...target },
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
  );
  return { transport, calls, packets, quickAcks, errors, closes, closed };
}
