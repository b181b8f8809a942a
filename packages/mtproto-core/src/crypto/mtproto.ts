/**
 * MTProto 2.0 key derivation: msg_key and the per-message AES key/IV (spec §7.2; x = 0 for
 * client->server, x = 8 for server->client), auth_key_id, and the handshake's temporary key,
 * new_nonce_hashN and first salt (spec §6.2, §6.4).
 */
import { readInt64LE } from './bigint.js';
import type { CryptoProvider } from './provider.js';

export type KdfDirection = 0 | 8;

export interface AesKeyIv {
  key: Uint8Array;
  iv: Uint8Array;
}

/** msg_key = SHA256(auth_key[88+x .. 120+x] ‖ plaintext including padding)[8..24]. */
export function computeMsgKey(crypto: CryptoProvider, authKey: Uint8Array, plaintext: Uint8Array, x: KdfDirection): Uint8Array {
  return crypto.sha256(authKey.subarray(88 + x, 120 + x), plaintext).subarray(8, 24);
}

/**
 * The AES-256-IGE key and IV of one message from auth_key and msg_key. Pass `out` to reuse two
 * 32-byte buffers across messages (the session's hot path).
 */
export function deriveMessageKey(
  crypto: CryptoProvider,
  authKey: Uint8Array,
  msgKey: Uint8Array,
  x: KdfDirection,
  out: AesKeyIv = { key: new Uint8Array(32), iv: new Uint8Array(32) },
): AesKeyIv {
  const a = crypto.sha256(msgKey, authKey.subarray(x, x + 36));
  const b = crypto.sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  const { key, iv } = out;
  key.set(a.subarray(0, 8), 0);
  key.set(b.subarray(8, 24), 8);
  key.set(a.subarray(24, 32), 24);
  iv.set(b.subarray(0, 8), 0);
  iv.set(a.subarray(8, 24), 8);
  iv.set(b.subarray(24, 32), 24);
  return out;
}

/** auth_key_id: SHA1(auth_key)[12..20], i.e. the bytes on the wire, read as a little-endian int64. */
export function computeAuthKeyId(crypto: CryptoProvider, authKey: Uint8Array): bigint {
  return readInt64LE(crypto.sha1(authKey), 12);
}

/** The 8 auth_key_id bytes as they appear on the wire. */
export function computeAuthKeyIdBytes(crypto: CryptoProvider, authKey: Uint8Array): Uint8Array {
  return crypto.sha1(authKey).slice(12, 20);
}

/**
 * The handshake's temporary AES key and IV (spec §6.4):
 * key = SHA1(new_nonce ‖ server_nonce) ‖ SHA1(server_nonce ‖ new_nonce)[0..12];
 * iv = SHA1(server_nonce ‖ new_nonce)[12..20] ‖ SHA1(new_nonce ‖ new_nonce) ‖ new_nonce[0..4].
 */
export function deriveTmpAesKeyIv(crypto: CryptoProvider, newNonce: Uint8Array, serverNonce: Uint8Array): AesKeyIv {
  const newServer = crypto.sha1(newNonce, serverNonce);
  const serverNew = crypto.sha1(serverNonce, newNonce);
  const newNew = crypto.sha1(newNonce, newNonce);
  const key = new Uint8Array(32);
  key.set(newServer, 0);
  key.set(serverNew.subarray(0, 12), 20);
  const iv = new Uint8Array(32);
  iv.set(serverNew.subarray(12, 20), 0);
  iv.set(newNew, 8);
  iv.set(newNonce.subarray(0, 4), 28);
  return { key, iv };
}

/** auth_key_aux_hash = SHA1(auth_key)[0..8]; also the retry_id after dh_gen_retry. */
export function computeAuthKeyAuxHash(crypto: CryptoProvider, authKey: Uint8Array): Uint8Array {
  return crypto.sha1(authKey).slice(0, 8);
}

/** new_nonce_hashN = SHA1(new_nonce ‖ byte(N) ‖ auth_key_aux_hash)[4..20]; N = 1 ok, 2 retry, 3 fail. */
export function computeNewNonceHash(crypto: CryptoProvider, newNonce: Uint8Array, authKey: Uint8Array, n: 1 | 2 | 3): Uint8Array {
  return crypto.sha1(newNonce, Uint8Array.of(n), computeAuthKeyAuxHash(crypto, authKey)).subarray(4, 20);
}

/** The first server salt: new_nonce[0..8] XOR server_nonce[0..8], read as a little-endian int64. */
export function initialServerSalt(newNonce: Uint8Array, serverNonce: Uint8Array): bigint {
  return readInt64LE(newNonce, 0) ^ readInt64LE(serverNonce, 0);
}
