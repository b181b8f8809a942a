/**
 * Server-side cryptography of the auth-key exchange (protocol notes §6.2-6.4): undoing RSA_PAD and
 * the older raw-RSA `data_with_hash`, the temporary AES key/iv, and the dh_gen hashes.
 */
import { aesIgeDecrypt, sha1, sha256 } from './node-crypto.js';
import type { ServerRsaKey } from './rsa-key.js';
import { concatBytes, constantTimeEqual, xorBytes } from '../util/bytes.js';

/** Which RSA scheme the client used for req_DH_params. */
export type RsaScheme = 'rsa_pad' | 'raw_sha1';

export interface DecryptedInnerData {
  scheme: RsaScheme;
  /**
   * The bytes holding the serialized p_q_inner_data* object, followed by padding: the TL decoder
   * reads one object from the start; for raw_sha1 `checkHash` verifies the SHA1 once the length of
   * that object is known.
   */
  data: Uint8Array;
  /** raw_sha1 only: verifies SHA1(data[0..length]) against the prefix. */
  checkHash?: (length: number) => boolean;
}

/**
 * Decrypts `encrypted_data` of req_DH_params. Tries RSA_PAD (§6.3) first, then the legacy
 * `SHA1(data) ‖ data ‖ padding` scheme (255 bytes, raw RSA). Returns undefined when neither fits.
 */
export function decryptInnerData(key: ServerRsaKey, encrypted: Uint8Array): DecryptedInnerData | undefined {
  if (encrypted.length === 0 || encrypted.length > 256) return undefined;
  let decrypted: Uint8Array;
  try {
    decrypted = key.decryptRaw(encrypted);
  } catch {
    return undefined;
  }
  const padded = undoRsaPad(decrypted);
  if (padded !== undefined) return { scheme: 'rsa_pad', data: padded };
  // Legacy: the client encrypted 255 bytes, so the leading byte of the 256-byte result is zero.
  if (decrypted[0] !== 0) return undefined;
  const withHash = decrypted.subarray(1);
  const hash = withHash.subarray(0, 20);
  const data = withHash.subarray(20);
  return {
    scheme: 'raw_sha1',
    data,
    checkHash: (length: number) => length <= data.length && constantTimeEqual(sha1(data.subarray(0, length)), hash),
  };
}

/**
 * RSA_PAD inverse: key_aes_encrypted = temp_key_xor(32) ‖ aes_encrypted(224);
 * temp_key = temp_key_xor ⊕ SHA256(aes_encrypted); data_with_hash = IGE⁻¹(aes_encrypted, temp_key, 0);
 * data_with_hash = reverse(data_with_padding)(192) ‖ SHA256(temp_key ‖ data_with_padding)(32).
 */
export function undoRsaPad(keyAesEncrypted: Uint8Array): Uint8Array | undefined {
  if (keyAesEncrypted.length !== 256) return undefined;
  const tempKeyXor = keyAesEncrypted.subarray(0, 32);
  const aesEncrypted = keyAesEncrypted.subarray(32);
  const tempKey = xorBytes(tempKeyXor, sha256(aesEncrypted));
  const dataWithHash = aesIgeDecrypt(aesEncrypted, tempKey, new Uint8Array(32));
  const dataWithPadding = dataWithHash.slice(0, 192).reverse();
  const hash = dataWithHash.subarray(192);
  if (!constantTimeEqual(sha256(tempKey, dataWithPadding), hash)) return undefined;
  return dataWithPadding;
}

/** tmp_aes_key / tmp_aes_iv from new_nonce and server_nonce (§6.4). */
export function handshakeTmpKey(newNonce: Uint8Array, serverNonce: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const newServer = sha1(newNonce, serverNonce);
  const serverNew = sha1(serverNonce, newNonce);
  const newNew = sha1(newNonce, newNonce);
  return {
    key: concatBytes(newServer, serverNew.subarray(0, 12)),
    iv: concatBytes(serverNew.subarray(12, 20), newNew, newNonce.subarray(0, 4)),
  };
}

/** new_nonce_hashN = SHA1(new_nonce ‖ byte(N) ‖ auth_key_aux_hash)[4..20] (§6.2 step 9). */
export function newNonceHash(newNonce: Uint8Array, n: 1 | 2 | 3, authKeyAuxHash: Uint8Array): Uint8Array {
  return sha1(newNonce, Uint8Array.of(n), authKeyAuxHash).subarray(4, 20);
}

/** auth_key_aux_hash = SHA1(auth_key)[0..8]; auth_key_id = SHA1(auth_key)[12..20]. */
export function authKeyHashes(authKey: Uint8Array): { auxHash: Uint8Array; keyIdBytes: Uint8Array } {
  const hash = sha1(authKey);
  return { auxHash: hash.slice(0, 8), keyIdBytes: hash.slice(12, 20) };
}
