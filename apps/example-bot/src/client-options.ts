/** Client options from the flags: the one line that picks WebSocket, TCP or auto. */
import { createConsoleLogger, type ClientOptions } from '@x/client';
import type { BotArgs } from './args.js';

export function transportOptions(args: BotArgs): Pick<ClientOptions, 'webSocket' | 'webSocketTls' | 'transport'> {
  switch (args.transport) {
    case 'ws':
      return { webSocket: true, webSocketTls: !args.insecureWs };
    case 'tcp':
      return { webSocket: false };
    case 'auto':
      return { transport: 'auto', webSocketTls: !args.insecureWs };
  }
}

export function loggingOptions(args: BotArgs): Pick<ClientOptions, 'logger' | 'logLevel'> {
  return { logger: createConsoleLogger('debug', '[client]'), logLevel: args.verbose ? 'debug' : 'warn' };
}

/** How the transport in use is called in the story's output. */
export function transportLabel(kind: string | undefined, address: string | undefined): string {
  if (kind === 'websocket') return `WebSocket ${address ?? ''}`.trim();
  if (kind === 'tcp') return `TCP ${address ?? ''}`.trim();
  return `${kind ?? 'unknown'} ${address ?? ''}`.trim();
}
