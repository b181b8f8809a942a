/**
 * Client-side pieces the mini client needs that the server never does: RSA_PAD encryption, the
 * legacy SHA1 data_with_hash, pq factorisation, and MTProto 2.0 encryption with x = 0.
 */
import { createPublicKey } from 'node:crypto';
import { messageKdf, msgKeyLarge } from '../../src/crypto/message-crypto.js';
import { aesIgeDecrypt, aesIgeEncrypt, modPow, randomBytes, sha1, sha256 } from '../../src/crypto/node-crypto.js';
import { rsaFingerprint } from '../../src/crypto/rsa-key.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, xorBytes } from '../../src/util/bytes.js';

export interface PublicKey {
  n: bigint;
  e: bigint;
  fingerprint: bigint;
}

export function parsePublicKeyPem(pem: string): PublicKey {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const n = new Uint8Array(Buffer.from(jwk.n ?? '', 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e ?? '', 'base64url'));
  return { n: bytesToBigInt(n), e: bytesToBigInt(e), fingerprint: rsaFingerprint(n, e) };
}

/** RSA_PAD (protocol notes §6.3). `random` lets tests pin the randomness (gotd's vector). */
export function rsaPadEncrypt(data: Uint8Array, key: PublicKey, random: (length: number) => Uint8Array = randomBytes): Uint8Array {
  if (data.length > 144) throw new RangeError('RSA_PAD data must be at most 144 bytes');
  const dataWithPadding = concatBytes(data, random(192 - data.length));
  const reversed = dataWithPadding.slice().reverse();
  for (;;) {
    const tempKey = random(32);
    const dataWithHash = concatBytes(reversed, sha256(tempKey, dataWithPadding));
    const aesEncrypted = aesIgeEncrypt(dataWithHash, tempKey, new Uint8Array(32));
    const keyAesEncrypted = concatBytes(xorBytes(tempKey, sha256(aesEncrypted)), aesEncrypted);
    const value = bytesToBigInt(keyAesEncrypted);
    if (value < key.n) return bigIntToBytes(modPow(value, key.e, key.n), 256);
  }
}

/** The pre-2021 scheme: RSA(SHA1(data) ‖ data ‖ random padding to 255 bytes). */
export function rsaLegacyEncrypt(data: Uint8Array, key: PublicKey): Uint8Array {
  const withHash = concatBytes(sha1(data), data);
  const padded = concatBytes(withHash, randomBytes(255 - withHash.length));
  return bigIntToBytes(modPow(bytesToBigInt(padded), key.e, key.n), 256);
}

/** Pollard-Brent; pq is below 2^63. */
export function factorize(pq: bigint): [bigint, bigint] {
  if (pq % 2n === 0n) return [2n, pq / 2n];
  const gcd = (a: bigint, b: bigint): bigint => {
    while (b) [a, b] = [b, a % b];
    return a;
  };
  for (let c = 1n; ; c++) {
    let x = 2n;
    let y = 2n;
    let d = 1n;
    const f = (v: bigint) => (v * v + c) % pq;
    while (d === 1n) {
      x = f(x);
      y = f(f(y));
      d = gcd(x > y ? x - y : y - x, pq);
    }
    if (d !== pq) {
      const other = pq / d;
      return d < other ? [d, other] : [other, d];
    }
  }
}

/** Client → server: auth_key_id ‖ msg_key ‖ IGE(plaintext) with x = 0. */
export function encryptClientMessage(authKey: Uint8Array, authKeyId: Uint8Array, plaintext: Uint8Array): { packet: Uint8Array; msgKeyLarge: Uint8Array } {
  const large = msgKeyLarge(authKey, plaintext, 0);
  const msgKey = large.subarray(8, 24);
  const { key, iv } = messageKdf(authKey, msgKey, 0);
  return { packet: concatBytes(authKeyId, msgKey, aesIgeEncrypt(plaintext, key, iv)), msgKeyLarge: large };
}

/** Server → client: checks msg_key (x = 8) and returns the plaintext, or undefined. */
export function decryptServerMessage(authKey: Uint8Array, packet: Uint8Array): Uint8Array | undefined {
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = messageKdf(authKey, msgKey, 8);
  const plaintext = aesIgeDecrypt(packet.subarray(24), key, iv);
  const expected = msgKeyLarge(authKey, plaintext, 8).subarray(8, 24);
  return Buffer.compare(Buffer.from(expected), Buffer.from(msgKey)) === 0 ? plaintext : undefined;
}
