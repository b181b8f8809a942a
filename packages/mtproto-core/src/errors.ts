/**
 * The error hierarchy shared by every package.
 *
 *   MtprotoError
 *   ├── TransportError        the byte pipe failed: connect refused, closed, transport error code (-404, -429, -444)
 *   ├── ProtocolError         the peer sent something malformed
 *   │   ├── TlDecodeError     bytes that do not parse as TL (names the constructor id and offset)
 *   │   └── SecurityError     a check the spec demands failed (nonce, hash, msg_key, session id, msg_id window...)
 *   ├── RpcError              the server answered rpc_error (code + message, wait seconds for *_WAIT_X)
 *   │   └── FloodWaitError    FLOOD_WAIT_X and friends above the caller's sleep threshold
 *   ├── TimeoutError          an operation ran past its deadline
 *   └── AbortError            the caller's AbortSignal fired
 *
 * Every error carries a stable string `code` so callers can switch on it without instanceof
 * (instanceof breaks when two copies of a package are installed).
 */

export class MtprotoError extends Error {
  /** A stable machine-readable code, e.g. `TRANSPORT_CLOSED`, `SECURITY_MSG_KEY`, `RPC`, `TIMEOUT`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Transport-level failure. `transportCode` is set for MTProto transport error packets (e.g. -404). */
export class TransportError extends MtprotoError {
  readonly transportCode: number | undefined;
  /** WebSocket close code, when the failure was a close frame. */
  readonly closeCode: number | undefined;

  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; transportCode?: number; closeCode?: number },
  ) {
    super(code, message, options);
    this.transportCode = options?.transportCode;
    this.closeCode = options?.closeCode;
  }

  /** The error for a 4-byte transport error packet such as -404, -429 or -444. */
  static fromCode(transportCode: number): TransportError {
    return new TransportError(
      `TRANSPORT_${Math.abs(transportCode)}`,
      `transport error ${transportCode}: ${describeTransportCode(transportCode)}`,
      { transportCode },
    );
  }
}

export function describeTransportCode(code: number): string {
  switch (code) {
    case -404:
      return 'auth key not found on this DC, or the request was malformed';
    case -429:
      return 'transport flood: too many connections or too many messages in a container';
    case -444:
      return 'invalid DC id (a test DC id sent to production, or the reverse)';
    case -403:
      return 'forbidden';
    default:
      return 'unknown transport error';
  }
}

/** The peer sent bytes that break the protocol. */
export class ProtocolError extends MtprotoError {}

/** TL bytes that cannot be decoded. */
export class TlDecodeError extends ProtocolError {
  readonly constructorId: number | undefined;
  readonly offset: number;

  constructor(message: string, offset: number, constructorId?: number) {
    const id = constructorId === undefined ? '' : ` (constructor 0x${(constructorId >>> 0).toString(16).padStart(8, '0')})`;
    super('TL_DECODE', `${message}${id} at offset ${offset}`);
    this.offset = offset;
    this.constructorId = constructorId;
  }
}

/** A security check from the spec failed; the message or connection must be discarded. */
export class SecurityError extends ProtocolError {}

/** An `rpc_error` answer. `waitSeconds` is parsed from texts like FLOOD_WAIT_42 or SLOWMODE_WAIT_10. */
export class RpcError extends MtprotoError {
  readonly errorCode: number;
  readonly errorMessage: string;
  /** The numeric X of `*_X` texts (FLOOD_WAIT_X, USER_MIGRATE_X, FILE_PART_X_MISSING...), if any. */
  readonly argument: number | undefined;
  /** Seconds to wait for `*_WAIT_X` errors. */
  readonly waitSeconds: number | undefined;
  /** The method that failed, when known. */
  readonly method: string | undefined;

  constructor(errorCode: number, errorMessage: string, method?: string) {
    super('RPC', `${errorCode} ${errorMessage}${method ? ` (in ${method})` : ''}`);
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
    this.method = method;
    const match = /_(\d+)(?:_|$)/.exec(errorMessage);
    this.argument = match ? Number(match[1]) : undefined;
    this.waitSeconds = /_WAIT_\d+$/.test(errorMessage) || /^FLOOD_/.test(errorMessage) ? this.argument : undefined;
  }

  /** `X` of `USER_MIGRATE_X`, `PHONE_MIGRATE_X`, `NETWORK_MIGRATE_X`, `FILE_MIGRATE_X`, `STATS_MIGRATE_X`. */
  get migrateDc(): number | undefined {
    return /_MIGRATE_\d+$/.test(this.errorMessage) ? this.argument : undefined;
  }
}

/** FLOOD_WAIT_X (and other *_WAIT_X) that the caller chose not to sleep through. */
export class FloodWaitError extends RpcError {
  declare readonly waitSeconds: number;
}

export class TimeoutError extends MtprotoError {
  constructor(message = 'operation timed out') {
    super('TIMEOUT', message);
  }
}

export class AbortError extends MtprotoError {
  constructor(message = 'operation aborted', options?: { cause?: unknown }) {
    super('ABORTED', message, options);
  }
}

/** Builds an RpcError, or a FloodWaitError for *_WAIT_X texts. */
export function rpcErrorFrom(errorCode: number, errorMessage: string, method?: string): RpcError {
  const error = new RpcError(errorCode, errorMessage, method);
  if (error.waitSeconds !== undefined) return new FloodWaitError(errorCode, errorMessage, method);
  return error;
}
