// @x/transport-tcp: the MTProto TCP transport for Node.
import { type TransportFactory } from '@x/mtproto-core';
import { resolveTcpOptions, type TcpTransportOptions } from './options.js';
import { TcpTransport } from './tcp-transport.js';

export { TcpTransport } from './tcp-transport.js';
export { parseMtproxyAddress, resolveTcpOptions, type MtproxyAddress, type ResolvedTcpOptions, type TcpTransportOptions } from './options.js';

/**
 * A TCP transport factory (`kind: 'tcp'`, so the DC registry supplies host and port). Options are
 * checked here, once: a bad proxy secret or `full` + obfuscation throws at once.
 */
export function tcpTransport(options: TcpTransportOptions = {}): TransportFactory & { readonly options: TcpTransportOptions } {
  const resolved = resolveTcpOptions(options);
  return {
    kind: 'tcp',
    options,
    create: (target, handlers) => new TcpTransport(options, resolved, target, handlers),
  };
}
