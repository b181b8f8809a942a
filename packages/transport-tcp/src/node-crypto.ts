/**
 * node:crypto primitives for obfuscation (AES-256-CTR keeps one cipher per direction, so the
 * keystream runs on across writes). Used when the caller passes no `crypto`.
 */
import { createCipheriv, createHash, randomFillSync } from 'node:crypto';
import type { ObfuscationCrypto } from '@x/mtproto-core';

export const nodeObfuscationCrypto: ObfuscationCrypto = {
  createAesCtr(key, iv) {
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    return {
      process(data) {
        // update() returns as many bytes as it was given for CTR; copy them back in place.
        data.set(cipher.update(data));
        return data;
      },
    };
  },
  sha256(...parts) {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return new Uint8Array(hash.digest());
  },
  randomFill(target) {
    return randomFillSync(target);
  },
};
