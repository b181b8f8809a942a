/**
 * The server's RSA key pair (protocol notes §6.3, §6.7): generated at start or loaded from PEM.
 * Clients are given the public key as a PKCS#1 PEM; they find it in resPQ by its fingerprint.
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import { sha1 } from './node-crypto.js';
import { bytesToBigInt, readInt64 } from '../util/bytes.js';

export interface ServerRsaKey {
  /** PKCS#1 `-----BEGIN RSA PUBLIC KEY-----` PEM, what clients are configured with. */
  readonly publicKeyPem: string;
  /** PKCS#8 private key PEM (to reuse the same key across runs). */
  readonly privateKeyPem: string;
  /** Modulus and public exponent as minimal big-endian bytes. */
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly modulus: bigint;
  /** SHA1(rsa_public_key n e)[12..20] as a little-endian int64 (what resPQ lists). */
  readonly fingerprint: bigint;
  /** Raw RSA: `data^d mod n` as 256 big-endian bytes. Throws when `data >= n`. */
  decryptRaw(data: Uint8Array): Uint8Array;
}

export function generateServerRsaKey(): ServerRsaKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return fromPrivateKey(privateKey);
}

/** Loads a 2048-bit private key (PKCS#1 or PKCS#8 PEM). */
export function loadServerRsaKey(privateKeyPem: string): ServerRsaKey {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('the test DC key must be an RSA key');
  return fromPrivateKey(key);
}

function fromPrivateKey(privateKey: KeyObject): ServerRsaKey {
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: 'jwk' });
  const n = new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e ?? '', 'base64url'));
  if (n.length !== 256) throw new Error(`the test DC key must be 2048 bits, got ${n.length * 8}`);
  const modulus = bytesToBigInt(n);
  return {
    publicKeyPem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    n,
    e,
    modulus,
    fingerprint: rsaFingerprint(n, e),
    decryptRaw(data: Uint8Array): Uint8Array {
      if (data.length > 256) throw new RangeError('RSA input longer than the modulus');
      const padded = new Uint8Array(256);
      padded.set(data, 256 - data.length);
      if (bytesToBigInt(padded) >= modulus) throw new RangeError('RSA input is not below the modulus');
      return new Uint8Array(privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, padded));
    },
  };
}

/** Fingerprint of a public key: bare TL `rsa_public_key n:bytes e:bytes`, SHA1, bytes 12..20 LE. */
export function rsaFingerprint(n: Uint8Array, e: Uint8Array): bigint {
  const serialized = Buffer.concat([tlBytes(n), tlBytes(e)]);
  return readInt64(sha1(serialized), 12);
}

/** TL `bytes` encoding (length prefix, zero padding to 4). */
function tlBytes(data: Uint8Array): Uint8Array {
  const header = data.length < 254 ? 1 : 4;
  const total = Math.ceil((header + data.length) / 4) * 4;
  const out = new Uint8Array(total);
  if (header === 1) out[0] = data.length;
  else {
    out[0] = 254;
    out[1] = data.length & 0xff;
    out[2] = (data.length >> 8) & 0xff;
    out[3] = (data.length >> 16) & 0xff;
  }
  out.set(data, header);
  return out;
}
