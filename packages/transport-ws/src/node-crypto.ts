/**
 * node:crypto primitives for obfuscation on Node (one AES-256-CTR cipher per direction, so the
 * keystream runs on across messages). Used when the caller passes no `crypto`.
 */
import { createCipheriv, createHash, randomFillSync } from 'node:crypto';
import type { ObfuscationCrypto } from '@x/mtproto-core';

export const nodeObfuscationCrypto: ObfuscationCrypto = {
  createAesCtr(key, iv) {
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    return {
      process(data) {
        // CTR output has the input's length: write it back in place.
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
