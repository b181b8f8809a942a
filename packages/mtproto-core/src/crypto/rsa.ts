/**
 * RSA public keys for the auth-key exchange: PEM parsing (PKCS#1 `RSA PUBLIC KEY` and SPKI
 * `PUBLIC KEY`), Telegram's key fingerprint, raw RSA and RSA_PAD (spec §6.3, §6.7).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { SecurityError } from '../errors.js';
import { bigIntToBytes, bitLength, bytesToBigInt, readInt64LE } from './bigint.js';
import { readRsaPublicKeyDer } from './der.js';
import type { CryptoProvider } from './provider.js';

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
  /** SHA1(TL `rsa_public_key n:bytes e:bytes`)[12..20] as a signed little-endian int64, as in resPQ. */
  fingerprint: bigint;
}

/** RSA_PAD accepts at most this much data (p_q_inner_data_temp_dc fits). */
export const RSA_PAD_MAX_DATA = 144;

/** Parses a PEM public key (PKCS#1 or SPKI) and computes its fingerprint with `crypto.sha1`. */
export function parseRsaPublicKey(crypto: Pick<CryptoProvider, 'sha1'>, pem: string): RsaPublicKey {
  const { n, e } = readRsaPublicKeyDer(pemBody(pem));
  return { n, e, fingerprint: rsaFingerprint(crypto, n, e) };
}

/** Same as `parseRsaPublicKey`, hashing with `@noble/hashes` (no provider needed). */
export function parseRsaPublicKeyPem(pem: string): RsaPublicKey {
  return parseRsaPublicKey({ sha1: (...parts) => sha1(concat(parts)) }, pem);
}

/**
 * Telegram's fingerprint of (n, e): SHA1 of the bare TL `rsa_public_key n:bytes e:bytes` (n and e
 * as minimal big-endian strings), bytes 12..20 read as a little-endian int64.
 */
export function rsaFingerprint(crypto: Pick<CryptoProvider, 'sha1'>, n: bigint, e: bigint): bigint {
  return readInt64LE(crypto.sha1(tlBytes(bigIntToBytes(n)), tlBytes(bigIntToBytes(e))), 12);
}

/** Raw RSA: `block`^e mod n as big-endian bytes of the modulus' size. `block` must be below n. */
export function rsaEncryptRaw(crypto: Pick<CryptoProvider, 'modPow'>, block: Uint8Array, key: Pick<RsaPublicKey, 'n' | 'e'>): Uint8Array {
  const m = bytesToBigInt(block);
  if (m >= key.n) throw new RangeError('RSA input must be below the modulus');
  return bigIntToBytes(crypto.modPow(m, key.e, key.n), (bitLength(key.n) + 7) >> 3);
}

/**
 * RSA_PAD (spec §6.3): the encryption of p_q_inner_data for req_DH_params. `random` returns fresh
 * random bytes (the provider's by default); known-answer tests inject a fixed source.
 * @returns 256 bytes for a 2048-bit key.
 */
export function rsaPad(
  crypto: CryptoProvider,
  data: Uint8Array,
  key: Pick<RsaPublicKey, 'n' | 'e'>,
  random: (length: number) => Uint8Array = (length) => crypto.randomBytes(length),
): Uint8Array {
  if (data.length > RSA_PAD_MAX_DATA) throw new RangeError(`RSA_PAD takes at most ${RSA_PAD_MAX_DATA} bytes, got ${data.length}`);
  if (bitLength(key.n) !== 2048) throw new RangeError('RSA_PAD needs a 2048-bit key');
  const withPadding = new Uint8Array(192);
  withPadding.set(data, 0);
  withPadding.set(random(192 - data.length), data.length);
  const dataWithHash = new Uint8Array(224);
  for (let i = 0; i < 192; i++) dataWithHash[i] = withPadding[191 - i];
  const zeroIv = new Uint8Array(32);
  const keyAesEncrypted = new Uint8Array(256);
  // A 256-byte string is below a 2048-bit n with probability above 1/2: this ends quickly.
  for (let attempt = 0; attempt < 64; attempt++) {
    const tempKey = random(32);
    dataWithHash.set(crypto.sha256(tempKey, withPadding), 192);
    const aesEncrypted = crypto.aesIgeEncrypt(dataWithHash, tempKey, zeroIv);
    const aesHash = crypto.sha256(aesEncrypted);
    for (let i = 0; i < 32; i++) keyAesEncrypted[i] = tempKey[i] ^ aesHash[i];
    keyAesEncrypted.set(aesEncrypted, 32);
    if (bytesToBigInt(keyAesEncrypted) < key.n) return rsaEncryptRaw(crypto, keyAesEncrypted, key);
  }
  throw new SecurityError('SECURITY_RSA_PAD', 'RSA_PAD drew no block below the modulus in 64 attempts (broken random source?)');
}

function pemBody(pem: string): Uint8Array {
  const match = /-----BEGIN ((?:RSA )?PUBLIC KEY)-----([A-Za-z0-9+/=\s]+)-----END \1-----/.exec(pem);
  if (!match) throw new TypeError('not a PEM "RSA PUBLIC KEY" or "PUBLIC KEY"');
  return base64Decode(match[2].replace(/\s+/g, ''));
}

function base64Decode(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** TL `bytes`: 1-byte length (or 0xfe + 3-byte length), the data, zero padding to 4. */
function tlBytes(data: Uint8Array): Uint8Array {
  const header = data.length <= 253 ? 1 : 4;
  const out = new Uint8Array((header + data.length + 3) & ~3);
  if (header === 1) out[0] = data.length;
  else out.set([0xfe, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  out.set(data, header);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
