/** Node socket errors as TransportErrors with the codes TRANSPORTS.md lists. */
import { TransportError } from '@x/mtproto-core';

export function connectError(error: NodeJS.ErrnoException, where: string): TransportError {
  if (error.code === 'ECONNREFUSED') {
    return new TransportError('TRANSPORT_CONNECT_REFUSED', `connection refused by ${where}`, { cause: error });
  }
  return new TransportError('TRANSPORT_CONNECT_FAILED', `cannot connect to ${where}: ${error.code ?? error.message}`, {
    cause: error,
  });
}

export function socketError(error: NodeJS.ErrnoException, where: string): TransportError {
  return new TransportError('TRANSPORT_RESET', `connection to ${where} failed: ${error.code ?? error.message}`, {
    cause: error,
  });
}
