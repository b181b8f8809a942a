// The project's own transports pass the suite: TCP with every framing (plain and obfuscated where
// valid), ws and wss. The 1,000-RPC and 1 MiB checks run once per carrier (TCP, ws, wss) to keep the run short.
import type { FramingKind } from '@x/mtproto-core';
import { tcpTransport } from '@x/transport-tcp';
import { webSocketTransport } from '@x/transport-ws';
import { describeTransportConformance } from '../src/index.js';
import { CONFORMANCE_CHECKS, type ConformanceCheckName } from '../src/options.js';

const HEAVY: ConformanceCheckName[] = ['pipelined RPCs', 'large request and response'];
const LIGHT = CONFORMANCE_CHECKS.filter((name) => !HEAVY.includes(name));

const tcpVariants: { framing: FramingKind; obfuscated: boolean; heavy: boolean }[] = [
  { framing: 'intermediate', obfuscated: true, heavy: true },
  { framing: 'intermediate', obfuscated: false, heavy: false },
  { framing: 'abridged', obfuscated: false, heavy: false },
  { framing: 'abridged', obfuscated: true, heavy: false },
  { framing: 'padded', obfuscated: false, heavy: false },
  { framing: 'padded', obfuscated: true, heavy: false },
  { framing: 'full', obfuscated: false, heavy: false },
];

for (const variant of tcpVariants) {
  describeTransportConformance(`tcp/${variant.obfuscated ? 'obfuscated-' : ''}${variant.framing}`, {
    factory: () => tcpTransport({ framing: variant.framing, obfuscated: variant.obfuscated }),
    target: (server, dcId) => {
      const endpoint = server.endpoint(dcId);
      return { dcId, test: false, media: false, host: endpoint.host, port: endpoint.tcpPort };
    },
    ...(variant.heavy ? {} : { only: LIGHT }),
  });
}

describeTransportConformance('ws', {
  factory: () => webSocketTransport({ tls: false }),
  target: (server, dcId) => ({ dcId, test: false, media: false, url: server.endpoint(dcId).wsUrl }),
  webSocket: true,
});

describeTransportConformance('wss', {
  factory: (server) => webSocketTransport({ tls: true, ca: server.tlsCaPem, proxy: false }),
  webSocket: true,
  target: (server, dcId) => {
    const url = server.endpoint(dcId).wssUrl;
    if (url === undefined) throw new Error('the test DC serves no wss');
    return { dcId, test: false, media: false, url };
  },
});
