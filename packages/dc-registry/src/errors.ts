/**
 * The one error class of this package. It extends RangeError (so `instanceof RangeError` works for
 * callers that do not know the package) and carries a stable `code` like every error of the
 * project, so callers can switch on it without `instanceof`.
 */
export type DcRegistryErrorCode =
  /** The DC id is not in the tables (built-in, learned or override). */
  | 'DC_UNKNOWN'
  /** The DC is known but has no address for what was asked (e.g. no IPv4 with `ipv6: false`). */
  | 'DC_NO_ADDRESS'
  /** A `dcOption`, resolve option or override entry is malformed. */
  | 'DC_BAD_INPUT'
  /** Saved JSON that cannot be read back. */
  | 'DC_BAD_JSON';

export class DcRegistryError extends RangeError {
  readonly code: DcRegistryErrorCode;

  constructor(code: DcRegistryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'DcRegistryError';
  }
}
