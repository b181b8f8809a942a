/**
 * MTProto 2.0 packet encryption for one auth key (spec §7.1-7.3, §7.6 steps 1-5):
 * `auth_key_id (8) | msg_key (16) | AES-256-IGE(plaintext)`.
 *
 * Hot path: every hash is one contiguous input, so providers can use their one-shot path (Node's
 * `crypto.hash`), and the KDF inputs and the AES key/iv live in buffers reused between messages.
 * Per packet the cipher allocates only the packet (plus what the provider returns).
 */
import { constantTimeEqual, readInt64LE, type CryptoProvider } from '../crypto/index.js';
import { SecurityError } from '../errors.js';

/** 24-byte external header + 32-byte plaintext header + 12 bytes minimum padding, rounded up. */
export const MIN_ENCRYPTED_PACKET = 72;
export const PLAINTEXT_HEADER = 32;
export const MIN_PADDING = 12;
export const MAX_PADDING = 1024;
/** Bytes in front of a plaintext that `encrypt(plaintext, true)` may use as scratch. */
export const CIPHER_HEADROOM = 32;

/** From this plaintext size the packet is built in the provider's output buffer (see encryptWithLeadIn). */
const IN_PLACE_PACKET_MIN = 16 * 1024;
const ZERO_32 = new Uint8Array(32);

/** Inbound plaintexts up to this size are copied next to their msg_key prefix for a one-shot hash. */
const CONTIGUOUS_HASH_LIMIT = 16 * 1024;

/** The reusable KDF inputs of one direction: `msg_key ‖ auth_key[x..x+36]` and `auth_key[40+x..76+x] ‖ msg_key`. */
class KdfInputs {
  readonly a = new Uint8Array(52);
  readonly b = new Uint8Array(52);
  readonly msgKeyPrefix: Uint8Array;

  constructor(authKey: Uint8Array, x: 0 | 8) {
    this.a.set(authKey.subarray(x, x + 36), 16);
    this.b.set(authKey.subarray(40 + x, 76 + x), 0);
    this.msgKeyPrefix = authKey.slice(88 + x, 120 + x);
  }
}

export class MessageCipher {
  readonly authKeyId: bigint;
  private readonly authKeyIdBytes: Uint8Array;
  private readonly crypto: CryptoProvider;
  private readonly client: KdfInputs;
  private readonly server: KdfInputs;
  private readonly aesKey = new Uint8Array(32);
  private readonly aesIv = new Uint8Array(32);
  /** IV' of encryptWithLeadIn: the first half stays zero. */
  private readonly leadIv = new Uint8Array(32);
  private scratch = new Uint8Array(1024);

  constructor(authKey: Uint8Array, crypto: CryptoProvider) {
    if (authKey.length !== 256) throw new RangeError(`an auth key is 256 bytes, got ${authKey.length}`);
    this.crypto = crypto;
    // Uint8Array.from: providers may return Node Buffers, whose slice() is a view.
    this.authKeyIdBytes = Uint8Array.from(crypto.sha1(authKey).subarray(12, 20));
    this.authKeyId = readInt64LE(this.authKeyIdBytes, 0);
    this.client = new KdfInputs(authKey, 0);
    this.server = new KdfInputs(authKey, 8);
  }

  /**
   * Encrypts a complete client plaintext (header, body and padding; a multiple of 16 bytes; x = 0)
   * into a packet. With `headroom`, the 32 bytes before `plaintext` in its buffer are scratch the
   * cipher may overwrite (PlaintextWriter leaves them), which saves a hash pass setup.
   */
  encrypt(plaintext: Uint8Array, headroom = false): Uint8Array {
    if (plaintext.length % 16 !== 0) throw new RangeError('plaintext length must be a multiple of 16');
    const inputs = this.client;
    let large: Uint8Array;
    if (headroom && plaintext.byteOffset >= CIPHER_HEADROOM) {
      const withPrefix = new Uint8Array(plaintext.buffer, plaintext.byteOffset - CIPHER_HEADROOM, plaintext.length + CIPHER_HEADROOM);
      withPrefix.set(inputs.msgKeyPrefix, 0);
      large = this.crypto.sha256(withPrefix);
    } else {
      large = this.crypto.sha256(inputs.msgKeyPrefix, plaintext);
    }
    const msgKey = large.subarray(8, 24);
    this.deriveKeyIv(inputs, msgKey);
    if (headroom && plaintext.byteOffset >= CIPHER_HEADROOM && plaintext.length >= IN_PLACE_PACKET_MIN) {
      return this.encryptWithLeadIn(plaintext, msgKey);
    }
    const encrypted = this.crypto.aesIgeEncrypt(plaintext, this.aesKey, this.aesIv);
    const packet = new Uint8Array(24 + encrypted.length);
    packet.set(this.authKeyIdBytes, 0);
    packet.set(msgKey, 8);
    packet.set(encrypted, 24);
    return packet;
  }

  /**
   * For large plaintexts: lets the provider's output buffer become the packet, saving a copy and an
   * allocation of the whole message. Two lead-in blocks L1 = 0, L2 = iv_p are encrypted in front
   * of the plaintext under an IV chosen so that IGE's state after them is exactly the real IV:
   * the output is then `c1 ‖ iv_c ‖ ciphertext`, and its bytes 8..32 take the packet header.
   *   c1 = D(iv_c) ⊕ iv_p        makes  c2 = E(L2 ⊕ c1) ⊕ L1 = iv_c
   *   IV' = 0 ‖ (E(0) ⊕ c1)      makes  c1 = E(L1 ⊕ 0) ⊕ IV'_p
   * E and D of one block are one-block IGE calls with a zero IV.
   */
  private encryptWithLeadIn(plaintext: Uint8Array, msgKey: Uint8Array): Uint8Array {
    const crypto = this.crypto;
    const key = this.aesKey;
    const ivC = this.aesIv.subarray(0, 16);
    const ivP = this.aesIv.subarray(16, 32);
    const zeroIv = ZERO_32;
    const dIvC = crypto.aesIgeDecrypt(ivC, key, zeroIv);
    const e0 = crypto.aesIgeEncrypt(ZERO_32.subarray(0, 16), key, zeroIv);
    const leadIv = this.leadIv;
    for (let i = 0; i < 16; i++) leadIv[16 + i] = e0[i] ^ dIvC[i] ^ ivP[i];
    const input = new Uint8Array(plaintext.buffer, plaintext.byteOffset - CIPHER_HEADROOM, plaintext.length + CIPHER_HEADROOM);
    input.fill(0, 0, 16);
    input.set(ivP, 16);
    const output = crypto.aesIgeEncrypt(input, key, leadIv);
    const packet = output.subarray(8);
    packet.set(this.authKeyIdBytes, 0);
    packet.set(msgKey, 8);
    return packet;
  }

  /**
   * Decrypts a server packet (x = 8), checking length, auth_key_id, msg_key (in constant time)
   * and the length/padding bounds. Returns the plaintext (owned by the caller) and the body length.
   */
  decrypt(packet: Uint8Array): { plaintext: Uint8Array; bodyLength: number } {
    if (packet.length < MIN_ENCRYPTED_PACKET || (packet.length - 24) % 16 !== 0) {
      throw new SecurityError('SECURITY_LENGTH', `encrypted packet of ${packet.length} bytes has an impossible length`);
    }
    for (let i = 0; i < 8; i++) {
      if (packet[i] !== this.authKeyIdBytes[i]) throw new SecurityError('SECURITY_AUTH_KEY_ID', 'packet for another auth key');
    }
    const inputs = this.server;
    const msgKey = packet.subarray(8, 24);
    this.deriveKeyIv(inputs, msgKey);
    const plaintext = this.crypto.aesIgeDecrypt(packet.subarray(24), this.aesKey, this.aesIv);
    // The msg_key check comes first and fails the same way whatever else is wrong (spec §7.6.4).
    const expected = this.hashWithPrefix(inputs.msgKeyPrefix, plaintext).subarray(8, 24);
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

  /** SHA256(prefix ‖ data): copied together for small data (one-shot hash), two parts otherwise. */
  private hashWithPrefix(prefix: Uint8Array, data: Uint8Array): Uint8Array {
    const total = prefix.length + data.length;
    if (data.length > CONTIGUOUS_HASH_LIMIT) return this.crypto.sha256(prefix, data);
    if (this.scratch.length < total) this.scratch = new Uint8Array(Math.max(total, this.scratch.length * 2));
    this.scratch.set(prefix, 0);
    this.scratch.set(data, prefix.length);
    return this.crypto.sha256(this.scratch.subarray(0, total));
  }

  /** KDF of spec §7.2 into the reused aesKey/aesIv. */
  private deriveKeyIv(inputs: KdfInputs, msgKey: Uint8Array): void {
    inputs.a.set(msgKey, 0);
    inputs.b.set(msgKey, 36);
    const a = this.crypto.sha256(inputs.a);
    const b = this.crypto.sha256(inputs.b);
    const key = this.aesKey;
    const iv = this.aesIv;
    key.set(a.subarray(0, 8), 0);
    key.set(b.subarray(8, 24), 8);
    key.set(a.subarray(24, 32), 24);
    iv.set(b.subarray(0, 8), 0);
    iv.set(a.subarray(8, 24), 8);
    iv.set(b.subarray(24, 32), 24);
  }
}

/** Padding length for a plaintext of `32 + bodyLength` bytes: 12..27 to reach a multiple of 16,
 *  plus 0..3 random extra blocks (`randomByte`) so lengths leak a little less. */
export function paddingLength(bodyLength: number, randomByte: number): number {
  const unpadded = PLAINTEXT_HEADER + bodyLength + MIN_PADDING;
  return MIN_PADDING + ((16 - (unpadded % 16)) % 16) + 16 * (randomByte & 3);
}
