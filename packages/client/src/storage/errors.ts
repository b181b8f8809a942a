import { MtprotoError } from '@x/mtproto-core';

/**
 * A stored session that cannot be used: `SESSION_CORRUPT` (not valid JSON or fields out of shape),
 * `SESSION_FOREIGN` (not a session written by this library), `SESSION_VERSION` (a newer format),
 * `SESSION_MISMATCH` (another account or server set), `SESSION_IO` (the storage failed).
 * The stored data is left untouched.
 */
export class SessionStorageError extends MtprotoError {
  readonly location: string;

  constructor(code: string, location: string, message: string, options?: { cause?: unknown }) {
    super(code, `${location}: ${message}`, options);
    this.location = location;
  }
}
