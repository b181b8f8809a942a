/**
 * MTProto 2.0 packet encryption for one auth key (spec §7.1-7.3, §7.6 steps 1-5):
 * `auth_key_id (8) | msg_key (16) | AES-256-IGE(plaintext)`.
 *
 * Per packet it allocates the packet itself plus the small KDF outputs and what the crypto provider
 * returns; the plaintext is built elsewhere in a reused buffer.
 */
import { computeMsgKey, constantTimeEqual, deriveMessageKey, readInt64LE, type CryptoProvider } from '../crypto/index.js';
import { SecurityError } from '../errors.js';

/** 24-byte external header + 32-byte plaintext header + 12 bytes minimum padding, rounded up. */
export const MIN_ENCRYPTED_PACKET = 72;
export const PLAINTEXT_HEADER = 32;
export const MIN_PADDING = 12;
export const MAX_PADDING = 1024;

export class MessageCipher {
  readonly authKeyId: bigint;
  private readonly authKey: Uint8Array;
  private readonly authKeyIdBytes: Uint8Array;
  private readonly crypto: CryptoProvider;

  constructor(authKey: Uint8Array, crypto: CryptoProvider) {
    if (authKey.length !== 256) throw new RangeError(`an auth key is 256 bytes, got ${authKey.length}`);
    this.authKey = authKey;
    this.crypto = crypto;
    // Uint8Array.from: providers may return Node Buffers, whose slice() is a view.
    this.authKeyIdBytes = Uint8Array.from(crypto.sha1(authKey).subarray(12, 20));
    this.authKeyId = readInt64LE(this.authKeyIdBytes, 0);
  }

  /**
   * Encrypts a complete plaintext (header, body and padding; length a multiple of 16) sent by the
   * client (x = 0) and returns the packet.
   */
  encrypt(plaintext: Uint8Array): Uint8Array {
    return this.seal(plaintext, 0);
  }

  /**
   * Decrypts a packet sent by the server (x = 8), checking length, auth_key_id, msg_key (in
   * constant time) and the length/padding bounds. Returns the plaintext and the body length.
   */
  decrypt(packet: Uint8Array): { plaintext: Uint8Array; bodyLength: number } {
    return this.open(packet, 8);
  }

  private seal(plaintext: Uint8Array, x: 0 | 8): Uint8Array {
    if (plaintext.length % 16 !== 0) throw new RangeError('plaintext length must be a multiple of 16');
    const msgKey = computeMsgKey(this.crypto, this.authKey, plaintext, x);
    const { key, iv } = deriveMessageKey(this.crypto, this.authKey, msgKey, x);
    const encrypted = this.crypto.aesIgeEncrypt(plaintext, key, iv);
    const packet = new Uint8Array(24 + encrypted.length);
    packet.set(this.authKeyIdBytes, 0);
    packet.set(msgKey, 8);
    packet.set(encrypted, 24);
    return packet;
  }

  private open(packet: Uint8Array, x: 0 | 8): { plaintext: Uint8Array; bodyLength: number } {
    if (packet.length < MIN_ENCRYPTED_PACKET || (packet.length - 24) % 16 !== 0) {
      throw new SecurityError('SECURITY_LENGTH', `encrypted packet of ${packet.length} bytes has an impossible length`);
    }
    for (let i = 0; i < 8; i++) {
      if (packet[i] !== this.authKeyIdBytes[i]) throw new SecurityError('SECURITY_AUTH_KEY_ID', 'packet for another auth key');
    }
    const msgKey = packet.subarray(8, 24);
    const { key, iv } = deriveMessageKey(this.crypto, this.authKey, msgKey, x);
    const plaintext = this.crypto.aesIgeDecrypt(packet.subarray(24), key, iv);
    // The msg_key check comes first and fails the same way whatever else is wrong (spec §7.6.4).
    const expected = computeMsgKey(this.crypto, this.authKey, plaintext, x);
    if (!constantTimeEqual(expected, msgKey)) throw new SecurityError('SECURITY_MSG_KEY', 'msg_key does not match the plaintext');
    const bodyLength = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).getInt32(28, true);
    const padding = plaintext.length - PLAINTEXT_HEADER - bodyLength;
    if (bodyLength < 0 || bodyLength % 4 !== 0 || padding < 0) {
      throw new SecurityError('SECURITY_LENGTH', `message_data_length ${bodyLength} does not fit a ${plaintext.length}-byte plaintext`);
    }
    if (padding < MIN_PADDING || padding > MAX_PADDING) {
      throw new SecurityError('SECURITY_PADDING', `padding of ${padding} bytes is outside ${MIN_PADDING}..${MAX_PADDING}`);
    }
    return { plaintext, bodyLength };
  }
}

/** Padding length for a plaintext of `32 + bodyLength` bytes: 12..27 to reach a multiple of 16,
 *  plus 0..3 random extra blocks (`randomByte`) so lengths leak a little less. */
export function paddingLength(bodyLength: number, randomByte: number): number {
  const unpadded = PLAINTEXT_HEADER + bodyLength + MIN_PADDING;
  return MIN_PADDING + ((16 - (unpadded % 16)) % 16) + 16 * (randomByte & 3);
}
