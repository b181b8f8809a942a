/**
 * Fast 2048-bit modexp on Node through OpenSSL, with a BigInt fallback.
 *
 * - Large (secret) exponents, e.g. the DH `b`: a `DiffieHellman` object per modulus with the
 *   exponent as private key, `computeSecret(base)` = base^exponent mod p. OpenSSL runs this with
 *   BN_FLG_CONSTTIME. Building the object runs OpenSSL's DH_check (a primality test, ~170 ms), so
 *   objects are cached per modulus (a DH prime is the same for every handshake).
 * - Small (public) exponents, e.g. RSA e = 65537: raw RSA (`publicEncrypt`, RSA_NO_PADDING) with a
 *   cached KeyObject built from {n, e}. That is OpenSSL's variable-time public path, fine for public
 *   values. (The same "RSA-key trick" would also work for a secret 2048-bit exponent, because
 *   OpenSSL only caps e for moduli over 3072 bits, and it needs no setup; it is not used for secret
 *   exponents because it is not constant-time.)
 */
import { constants, createDiffieHellman, createPublicKey, publicEncrypt, type DiffieHellman, type KeyObject } from 'node:crypto';
import { bigIntToBytes, bitLength } from './bigint.js';
import { modPowBigInt } from './mod-pow.js';

/** Exponents up to this size are treated as public (RSA e). */
const PUBLIC_EXPONENT_MAX_BITS = 64;
/** OpenSSL only helps from here on; tiny moduli are faster and simpler in BigInt. */
const MIN_NATIVE_MODULUS_BITS = 1024;
const CACHE_SIZE = 8;

const dhByModulus = new Map<bigint, DiffieHellman>();
const rsaKeyByModulus = new Map<string, KeyObject>();

export function modPowNode(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 0n || exponent < 0n) return modPowBigInt(base, exponent, modulus);
  const modulusBits = bitLength(modulus);
  if (modulusBits < MIN_NATIVE_MODULUS_BITS || (modulus & 1n) === 0n || exponent === 0n) {
    return modPowBigInt(base, exponent, modulus);
  }
  base %= modulus;
  if (base < 0n) base += modulus;
  // OpenSSL rejects the degenerate bases 0, 1 and p-1 as DH public keys; they are trivial anyway.
  if (base <= 1n || base === modulus - 1n) return modPowBigInt(base, exponent, modulus);
  const size = (modulusBits + 7) >> 3;
  try {
    if (bitLength(exponent) <= PUBLIC_EXPONENT_MAX_BITS) return rsaRaw(base, exponent, modulus, size);
    const dh = cachedDh(modulus, size);
    dh.setPrivateKey(bigIntToBytes(exponent));
    return bytesToBigInt(dh.computeSecret(bigIntToBytes(base, size)));
  } catch {
    // Anything OpenSSL refuses (odd shapes of modulus or exponent) still has an answer.
    return modPowBigInt(base, exponent, modulus);
  }
}

function rsaRaw(base: bigint, exponent: bigint, modulus: bigint, size: number): bigint {
  const cacheKey = `${modulus.toString(16)}:${exponent.toString(16)}`;
  let key = rsaKeyByModulus.get(cacheKey);
  if (!key) {
    key = createPublicKey({
      key: { kty: 'RSA', n: base64Url(bigIntToBytes(modulus)), e: base64Url(bigIntToBytes(exponent)) },
      format: 'jwk',
    });
    remember(rsaKeyByModulus, cacheKey, key);
  }
  return bytesToBigInt(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, bigIntToBytes(base, size)));
}

function cachedDh(modulus: bigint, size: number): DiffieHellman {
  let dh = dhByModulus.get(modulus);
  if (!dh) {
    // The generator does not matter: only computeSecret is used.
    dh = createDiffieHellman(bigIntToBytes(modulus, size), Uint8Array.of(2));
    remember(dhByModulus, modulus, dh);
  }
  return dh;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  if (map.size >= CACHE_SIZE) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex'));
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64url');
}
