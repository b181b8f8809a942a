/**
 * MTProto 2.0 message encryption from the server's seat (protocol notes §7.1-7.2): x = 0 for what
 * clients send, x = 8 for what the server sends. Also the MTProto 1.0 scheme that
 * auth.bindTempAuthKey still uses for its inner message.
 */
import { aesIgeDecrypt, aesIgeEncrypt, sha1, sha256 } from './node-crypto.js';
import { concatBytes } from '../util/bytes.js';

export function messageKdf(authKey: Uint8Array, msgKey: Uint8Array, x: 0 | 8): { key: Uint8Array; iv: Uint8Array } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  return {
    key: concatBytes(a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)),
    iv: concatBytes(b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)),
  };
}

/** msg_key_large = SHA256(auth_key[88+x..120+x] ‖ plaintext); msg_key is bytes 8..24. */
export function msgKeyLarge(authKey: Uint8Array, plaintext: Uint8Array, x: 0 | 8): Uint8Array {
  return sha256(authKey.subarray(88 + x, 120 + x), plaintext);
}

/**
 * Encrypts a server→client plaintext (already padded to a multiple of 16, padding 12..1024) and
 * returns `auth_key_id ‖ msg_key ‖ encrypted_data`. `msgKeyOverride` lets fault injection send a
 * wrong msg_key.
 */
export function encryptServerMessage(
  authKey: Uint8Array,
  authKeyIdBytes: Uint8Array,
  plaintext: Uint8Array,
  msgKeyOverride?: Uint8Array,
): Uint8Array {
  const msgKey = msgKeyOverride ?? msgKeyLarge(authKey, plaintext, 8).subarray(8, 24);
  const { key, iv } = messageKdf(authKey, msgKey, 8);
  const out = new Uint8Array(24 + plaintext.length);
  out.set(authKeyIdBytes, 0);
  out.set(msgKey, 8);
  out.set(aesIgeEncrypt(plaintext, key, iv), 24);
  return out;
}

export interface DecryptedClientMessage {
  plaintext: Uint8Array;
  /** SHA256 the msg_key was taken from; its first 4 bytes are the quick-ack token. */
  msgKeyLarge: Uint8Array;
  /** False when msg_key did not match (the plaintext must then be thrown away). */
  valid: boolean;
}

/** Decrypts a client packet body (`packet[24..]`) with x = 0 and checks msg_key in constant time. */
export function decryptClientMessage(authKey: Uint8Array, packet: Uint8Array): DecryptedClientMessage {
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = messageKdf(authKey, msgKey, 0);
  const plaintext = aesIgeDecrypt(packet.subarray(24), key, iv);
  const large = msgKeyLarge(authKey, plaintext, 0);
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= large[8 + i] ^ msgKey[i];
  return { plaintext, msgKeyLarge: large, valid: diff === 0 };
}

/** The quick-ack token of a client packet: first 4 bytes of msg_key_large as LE uint32, bit 31 set. */
export function quickAckToken(msgKeyLarge: Uint8Array): number {
  return ((msgKeyLarge[0] | (msgKeyLarge[1] << 8) | (msgKeyLarge[2] << 16) | (msgKeyLarge[3] << 24)) | 0x80000000) >>> 0;
}

/**
 * MTProto 1.0 decryption (client→server, x = 0), used for auth.bindTempAuthKey's
 * `encrypted_message`: msg_key = SHA1(plaintext without padding)[4..20], SHA1-based KDF.
 */
export function decryptV1(authKey: Uint8Array, msgKey: Uint8Array, encrypted: Uint8Array): Uint8Array {
  const x = 0;
  const a = sha1(msgKey, authKey.subarray(x, x + 32));
  const b = sha1(authKey.subarray(32 + x, 48 + x), msgKey, authKey.subarray(48 + x, 64 + x));
  const c = sha1(authKey.subarray(64 + x, 96 + x), msgKey);
  const d = sha1(msgKey, authKey.subarray(96 + x, 128 + x));
  const key = concatBytes(a.subarray(0, 8), b.subarray(8, 20), c.subarray(4, 16));
  const iv = concatBytes(a.subarray(8, 20), b.subarray(0, 8), c.subarray(16, 20), d.subarray(0, 8));
  return aesIgeDecrypt(encrypted, key, iv);
}

/** MTProto 1.0 encryption (x = 0), for test clients building auth.bindTempAuthKey. */
export function encryptV1(authKey: Uint8Array, plaintextUnpadded: Uint8Array, padded: Uint8Array): { msgKey: Uint8Array; encrypted: Uint8Array } {
  const msgKey = sha1(plaintextUnpadded).subarray(4, 20);
  const x = 0;
  const a = sha1(msgKey, authKey.subarray(x, x + 32));
  const b = sha1(authKey.subarray(32 + x, 48 + x), msgKey, authKey.subarray(48 + x, 64 + x));
  const c = sha1(authKey.subarray(64 + x, 96 + x), msgKey);
  const d = sha1(msgKey, authKey.subarray(96 + x, 128 + x));
  const key = concatBytes(a.subarray(0, 8), b.subarray(8, 20), c.subarray(4, 16));
  const iv = concatBytes(a.subarray(8, 20), b.subarray(0, 8), c.subarray(16, 20), d.subarray(0, 8));
  return { msgKey, encrypted: aesIgeEncrypt(padded, key, iv) };
}
