/**
 * The primitives MTProto needs, behind one interface with two implementations:
 * - portable (`@noble/ciphers` + `@noble/hashes`, plus our own code): browsers, Deno, Bun, Node;
 * - Node (`node:crypto` where it is faster), chosen automatically on Node through the package's
 *   `node` export condition.
 *
 * Everything is synchronous so the session's hot path never awaits.
 */

/** A long-lived AES-256-CTR stream (obfuscated transports keep one per direction per connection). */
export interface AesCtrStream {
  /** Encrypts or decrypts `data` in place and returns it; the keystream continues across calls. */
  process(data: Uint8Array): Uint8Array;
}

export interface CryptoProvider {
  /** `'node'` or `'portable'`, for logs and benchmarks. */
  readonly name: string;

  randomBytes(length: number): Uint8Array;
  /** Fills `target` with secure random bytes and returns it. */
  randomFill(target: Uint8Array): Uint8Array;

  /** SHA-1 of the concatenation of `parts`. */
  sha1(...parts: Uint8Array[]): Uint8Array;
  /** SHA-256 of the concatenation of `parts`. */
  sha256(...parts: Uint8Array[]): Uint8Array;

  /** AES-256-IGE encrypt. `data.length % 16 === 0`; key 32 bytes; iv 32 bytes (OpenSSL layout). */
  aesIgeEncrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array;
  /** AES-256-IGE decrypt. Same conventions. */
  aesIgeDecrypt(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array;
  /** AES-256-CTR stream with a 16-byte big-endian counter block. */
  createAesCtr(key: Uint8Array, iv: Uint8Array): AesCtrStream;

  /** `base ** exponent mod modulus` for 2048-bit DH. */
  modPow(base: bigint, exponent: bigint, modulus: bigint): bigint;

  /** gzip (RFC 1952) for `gzip_packed`. */
  gzip(data: Uint8Array): Uint8Array;
  /** gunzip, refusing to produce more than `maxOutput` bytes (gzip bombs). */
  gunzip(data: Uint8Array, maxOutput: number): Uint8Array;
}
