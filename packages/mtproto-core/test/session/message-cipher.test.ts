// MessageCipher: the public vector of spec §10.5 and every packet-level check of spec §7.6
// (length, auth_key_id, msg_key, message_data_length, padding bounds).
import { describe, expect, it } from 'vitest';
import { CIPHER_HEADROOM, MessageCipher, paddingLength, portableCryptoProvider, SecurityError } from '../../src/index.js';
import { buildPlaintext, crypto, decryptFromClient, encryptFromServer } from './scripted-server.js';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// spec §10.5 (gotd TestDecrypt, "test vector from grammers")
const vectorKey = hex(
  '5d2e7d65f49ec28bd029a88761ea27b8a4c79f12226525443e7d7c596ef3303530db2107e89aa997c7a0164ab694187adeff156bd6ef7118a1962347753c0e7e89a0354b8ec364f9997e71bc6923fb86e8e43491e010606a6ce845e2fa01940977ef0aa32adf5a97dbf6d428ec0434d717a2d3ad19622cc05887642113c7965ffb862a3e3ccb0ab95addda57f89245dbd76b492348f8e94bd5a7c0e0b84808523cfd1ea80b32fe9ad198bc2e103fceb7d52492ecc0273a28674bc923eee59265ab17a002df1f4aa2c59b819a5e5e1d105ec117336f5c76c6b187037d4b4270cee9cc21071d97e9bca220c6d7b01b998cf2e5cdb9a50ecda1852a36e635690c8e',
);
const vectorPacket = hex(
  '7a7183c2c10e4f4df945fa9a9abd35e7c3840b61f045304f39674c19c0e209784f50f6226a073529d675c92cbf0bfa8c99a79b3f39c72a5d9a026d431ab7407ca04ecc55187d6c45f17871524edd90cea02ed728e14d7cb18aea2a636158f09459a9437710d894c79f368c4e8164b7647ea98612aefe942c5d92121acb8db02dccceb66d0f8720ac12a06db0582bfd955be34f365118e3bab8cd080ce6b45b28eac56dcd2a29374e',
);
const vectorPlaintext =
  'fc826a02248b28fd60f2c4822443ad6801f0c1c2918b305e0200000058000000dcf8f1730200000001a8c1c2918b305e010000001c0000000809c29ec4fd33ad918b305e18a88ea607ee5816fc826a02248b28fd01ccc1c2918b305e0200000014000000c5737734c4fd33ad918b305e6408300000000000fce66704a3cd8ee9d0ae6fab672c60c04a3f1fd4490e51f6';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityError);
    return (error as SecurityError).code;
  }
  throw new Error('expected a SecurityError');
}

describe('MessageCipher', () => {
  it('decrypts the public server->client vector (spec §10.5)', () => {
    const cipher = new MessageCipher(vectorKey, crypto);
    expect(BigInt.asUintN(64, cipher.authKeyId).toString(16)).toBe('4d4f0ec1c283717a');
    const { plaintext, bodyLength } = cipher.decrypt(vectorPacket);
    expect(toHex(plaintext)).toBe(vectorPlaintext);
    expect(bodyLength).toBe(88);
  });

  it.each([
    ['node', crypto],
    ['portable', portableCryptoProvider],
  ])('encrypts client packets (x = 0) that the server side decrypts, with and without headroom (%s provider)', (_, provider) => {
    const authKey = crypto.randomBytes(256);
    const cipher = new MessageCipher(authKey, provider);
    // 40 000 bytes goes through the in-place (lead-in block) path.
    for (const size of [40, 4096, 16 * 1024, 40_000]) {
      const plaintext = buildPlaintext({ salt: 1n, sessionId: 2n, msgId: 4n << 32n, seqNo: 1, body: crypto.randomBytes(size) });
      const withRoom = new Uint8Array(CIPHER_HEADROOM + plaintext.length);
      withRoom.set(plaintext, CIPHER_HEADROOM);
      for (const packet of [cipher.encrypt(plaintext), cipher.encrypt(withRoom.subarray(CIPHER_HEADROOM), true)]) {
        expect(packet.subarray(0, 8)).toEqual(Uint8Array.from(crypto.sha1(authKey).subarray(12, 20)));
        expect(decryptFromClient(authKey, packet)).toEqual(plaintext);
        // The client encrypts with x = 0, so its own decrypt (x = 8) must refuse the packet.
        expect(codeOf(() => cipher.decrypt(packet))).toBe('SECURITY_MSG_KEY');
      }
    }
  });

  it('decrypts server packets (x = 8) of every size made with the KDF of the crypto module', () => {
    const authKey = crypto.randomBytes(256);
    const cipher = new MessageCipher(authKey, crypto);
    for (const size of [0, 4, 20_000, 100_000]) {
      const body = crypto.randomBytes(size);
      const plaintext = buildPlaintext({ salt: 1n, sessionId: 2n, msgId: (4n << 32n) | 1n, seqNo: 1, body });
      const opened = cipher.decrypt(encryptFromServer(authKey, plaintext));
      expect(opened.bodyLength).toBe(size);
      expect(opened.plaintext).toEqual(plaintext);
    }
  });

  describe('rejects, each with its own code', () => {
    const authKey = crypto.randomBytes(256);
    const cipher = new MessageCipher(authKey, crypto);
    const fields = { salt: 1n, sessionId: 2n, msgId: (5n << 32n) | 1n, seqNo: 1, body: new Uint8Array(16) };

    it('accepts the well-formed packet the cases below break', () => {
      const { plaintext, bodyLength } = cipher.decrypt(encryptFromServer(authKey, buildPlaintext(fields)));
      expect(bodyLength).toBe(16);
      expect(plaintext).toHaveLength(64);
    });

    it('a packet too short or not 24 + a multiple of 16', () => {
      const packet = encryptFromServer(authKey, buildPlaintext(fields));
      expect(codeOf(() => cipher.decrypt(packet.subarray(0, 56)))).toBe('SECURITY_LENGTH');
      expect(codeOf(() => cipher.decrypt(packet.subarray(0, packet.length - 4)))).toBe('SECURITY_LENGTH');
    });

    it('another auth_key_id', () => {
      expect(codeOf(() => cipher.decrypt(encryptFromServer(authKey, buildPlaintext(fields), { keyId: true })))).toBe(
        'SECURITY_AUTH_KEY_ID',
      );
    });

    it('a wrong msg_key, and a flipped ciphertext bit', () => {
      expect(codeOf(() => cipher.decrypt(encryptFromServer(authKey, buildPlaintext(fields), { msgKey: true })))).toBe(
        'SECURITY_MSG_KEY',
      );
      const packet = encryptFromServer(authKey, buildPlaintext(fields));
      packet[packet.length - 1] ^= 1;
      expect(codeOf(() => cipher.decrypt(packet))).toBe('SECURITY_MSG_KEY');
    });

    it('padding under 12 bytes and over 1024 bytes', () => {
      expect(codeOf(() => cipher.decrypt(encryptFromServer(authKey, buildPlaintext({ ...fields, padding: 0 }))))).toBe(
        'SECURITY_PADDING',
      );
      // 32 + 20 + 1036 = 1088, a multiple of 16, with 1036 > 1024 bytes of padding
      const plaintext = buildPlaintext({ ...fields, body: new Uint8Array(20), padding: 1036 });
      expect(codeOf(() => cipher.decrypt(encryptFromServer(authKey, plaintext)))).toBe('SECURITY_PADDING');
    });

    it('a message_data_length past the end, negative, or not a multiple of 4', () => {
      for (const lengthField of [4096, -4, 6]) {
        expect(codeOf(() => cipher.decrypt(encryptFromServer(authKey, buildPlaintext({ ...fields, lengthField }))))).toBe(
          'SECURITY_LENGTH',
        );
      }
    });
  });

  it('pads 12..1024 bytes to a multiple of 16', () => {
    for (let body = 0; body < 200; body += 4) {
      for (const random of [0, 1, 2, 3, 255]) {
        const padding = paddingLength(body, random);
        expect(padding).toBeGreaterThanOrEqual(12);
        expect(padding).toBeLessThanOrEqual(1024);
        expect((32 + body + padding) % 16).toBe(0);
      }
    }
  });
});
