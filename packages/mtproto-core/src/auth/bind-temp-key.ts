/**
 * The `encrypted_message` of auth.bindTempAuthKey (spec §6.8): `bind_auth_key_inner` framed as an
 * MTProto message (16 random bytes in place of salt and session id, the msg_id of the
 * bindTempAuthKey call itself, seq_no 0) and encrypted MTProto-1.0 style with the *permanent* key:
 * msg_key = SHA1(unpadded plaintext)[4..20], SHA1-based KDF, 0..15 bytes of padding.
 */
import { readInt64LE, type CryptoProvider } from '../crypto/index.js';
import { serializeTl, type Tl } from '../tl/index.js';

export interface BindTempKeyParams {
  permAuthKey: Uint8Array;
  tempAuthKeyId: bigint;
  /** The session id the temporary key is used with. */
  tempSessionId: bigint;
  /** Server unix time when the binding ends (at most the temporary key's expiry). */
  expiresAt: number;
  /** msg_id of the auth.bindTempAuthKey call that carries this message. */
  msgId: bigint;
}

/** Builds the auth.bindTempAuthKey call for `msgId` (it must be sent with exactly that msg_id). */
export function bindTempAuthKeyCall(crypto: CryptoProvider, params: BindTempKeyParams): Tl<'auth.bindTempAuthKey'> {
  const permAuthKeyId = readInt64LE(crypto.sha1(params.permAuthKey), 12);
  const nonce = readInt64LE(crypto.randomBytes(8), 0);
  const inner = serializeTl({
    _: 'bind_auth_key_inner',
    nonce,
    tempAuthKeyId: params.tempAuthKeyId,
    permAuthKeyId,
    tempSessionId: params.tempSessionId,
    expiresAt: params.expiresAt,
  });
  const unpadded = 32 + inner.length;
  const plaintext = new Uint8Array(unpadded + ((16 - (unpadded % 16)) % 16));
  crypto.randomFill(plaintext.subarray(0, 16));
  const view = new DataView(plaintext.buffer);
  view.setBigInt64(16, params.msgId, true);
  view.setInt32(24, 0, true);
  view.setInt32(28, inner.length, true);
  plaintext.set(inner, 32);
  crypto.randomFill(plaintext.subarray(unpadded));
  const msgKey = Uint8Array.from(crypto.sha1(plaintext.subarray(0, unpadded)).subarray(4, 20));
  const { key, iv } = kdfV1(crypto, params.permAuthKey, msgKey);
  const encrypted = crypto.aesIgeEncrypt(plaintext, key, iv);
  const message = new Uint8Array(24 + encrypted.length);
  new DataView(message.buffer).setBigInt64(0, permAuthKeyId, true);
  message.set(msgKey, 8);
  message.set(encrypted, 24);
  return { _: 'auth.bindTempAuthKey', permAuthKeyId, nonce, expiresAt: params.expiresAt, encryptedMessage: message };
}

/** MTProto 1.0 key derivation, client to server (x = 0). */
function kdfV1(crypto: CryptoProvider, authKey: Uint8Array, msgKey: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  const x = 0;
  const a = crypto.sha1(msgKey, authKey.subarray(x, x + 32));
  const b = crypto.sha1(authKey.subarray(32 + x, 48 + x), msgKey, authKey.subarray(48 + x, 64 + x));
  const c = crypto.sha1(authKey.subarray(64 + x, 96 + x), msgKey);
  const d = crypto.sha1(msgKey, authKey.subarray(96 + x, 128 + x));
  const key = new Uint8Array(32);
  key.set(a.subarray(0, 8), 0);
  key.set(b.subarray(8, 20), 8);
  key.set(c.subarray(4, 16), 20);
  const iv = new Uint8Array(32);
  iv.set(a.subarray(8, 20), 0);
  iv.set(b.subarray(0, 8), 12);
  iv.set(c.subarray(16, 20), 20);
  iv.set(d.subarray(0, 8), 24);
  return { key, iv };
}
