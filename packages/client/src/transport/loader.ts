/**
 * Finds the transport packages at run time. They are optional peer dependencies: a WebSocket-only
 * bot installs only @x/transport-ws and never loads TCP code, and the reverse. A missing package
 * gives an error that says what to install.
 */
import { MtprotoError, type TransportFactory } from '@x/mtproto-core';
import type { ProxyOption } from '../options.js';
import type { TransportKind } from './candidates.js';

export interface TransportLoaderSettings {
  /** PEM text of an extra CA to trust for wss:// (the local test DC's). */
  tlsCaPem?: string;
  proxy?: ProxyOption;
}

// Non-literal specifier: bundlers must not try to pull TCP (Node `net`) code into browser builds.
const TCP_PACKAGE = '@x/transport-tcp';

export class TransportLoader {
  private readonly cache = new Map<TransportKind, Promise<TransportFactory>>();

  constructor(private readonly settings: TransportLoaderSettings) {}

  factory(kind: TransportKind): Promise<TransportFactory> {
    let pending = this.cache.get(kind);
    if (!pending) {
      pending = kind === 'tcp' ? this.loadTcp() : this.loadWebSocket();
      pending.catch(() => this.cache.delete(kind));
      this.cache.set(kind, pending);
    }
    return pending;
  }

  private async loadTcp(): Promise<TransportFactory> {
    let module: TcpModule;
    try {
      module = (await import(/* @vite-ignore */ TCP_PACKAGE)) as TcpModule;
    } catch (cause) {
      throw missing('@x/transport-tcp', 'TCP', cause);
    }
    const proxy = this.settings.proxy;
    const mtproxy = typeof proxy === 'object' && 'type' in proxy && proxy.type === 'mtproxy' ? proxy : undefined;
    return module.tcpTransport(mtproxy ? { proxy: { mtproxy: { host: mtproxy.host, port: mtproxy.port, secret: mtproxy.secret } } } : {});
  }

  private async loadWebSocket(): Promise<TransportFactory> {
    let module: typeof import('@x/transport-ws');
    try {
      module = await import('@x/transport-ws');
    } catch (cause) {
      throw missing('@x/transport-ws', 'WebSocket', cause);
    }
    const proxy = this.settings.proxy;
    const proxyUrl = typeof proxy === 'string' ? proxy : proxy && 'url' in proxy ? proxy.url : undefined;
    return module.webSocketTransport({
      ...(this.settings.tlsCaPem ? { ca: this.settings.tlsCaPem } : {}),
      ...(proxyUrl ? { proxy: proxyUrl } : {}),
    });
  }
}

/** The part of @x/transport-tcp used here (typed locally: the import specifier is not literal). */
interface TcpModule {
  tcpTransport(options: { proxy?: { mtproxy: { host: string; port: number; secret: string } } }): TransportFactory;
}

function missing(name: string, what: string, cause: unknown): MtprotoError {
  if (isNotFound(cause)) {
    return new MtprotoError('TRANSPORT_MISSING', `the ${what} transport is not installed: add ${name} to your dependencies (npm install ${name})`, {
      cause,
    });
  }
  return new MtprotoError('TRANSPORT_MISSING', `could not load ${name}: ${(cause as Error).message}`, { cause });
}

/** True for "module not found" errors, also when a loader or bundler wrapped them (`cause` chain). */
function isNotFound(error: unknown): boolean {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
    if (/Cannot find (module|package)|Failed to (resolve|fetch dynamically imported)/.test(String((current as { message?: unknown }).message ?? current))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
