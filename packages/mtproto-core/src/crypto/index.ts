// Crypto of @x/mtproto-core: the provider contract, the portable provider, and the MTProto 2.0
// computations on top of any provider. Browser-safe (the Node provider is exported by index.node.ts).
export type { CryptoProvider, AesCtrStream } from './provider.js';
export { portableCryptoProvider } from './portable.js';
export { aesIgeEncryptJs, aesIgeDecryptJs } from './aes-ige.js';
export { wasmIgeAvailable } from './aes-ige-wasm.js';
export { JsAesCtrStream } from './aes-ctr.js';
export { modPowBigInt } from './mod-pow.js';
export { bytesToBigInt, bigIntToBytes, bitLength, readInt64LE } from './bigint.js';
export { constantTimeEqual } from './constant-time.js';
export { randomBigIntBelow, randomBigIntInRange } from './random.js';
export {
  computeMsgKey,
  deriveMessageKey,
  computeAuthKeyId,
  computeAuthKeyIdBytes,
  computeAuthKeyAuxHash,
  deriveTmpAesKeyIv,
  computeNewNonceHash,
  initialServerSalt,
  type AesKeyIv,
  type KdfDirection,
} from './mtproto.js';
export { factorizePq } from './factorize.js';
export { isPrimeSmall, isProbablePrime, isSafePrime } from './primes.js';
export { checkDhParams, checkDhValue, isValidDhGenerator, TELEGRAM_DH_PRIME } from './dh.js';
export {
  parseRsaPublicKey,
  parseRsaPublicKeyPem,
  rsaFingerprint,
  rsaEncryptRaw,
  rsaPad,
  RSA_PAD_MAX_DATA,
  type RsaPublicKey,
} from './rsa.js';
export {
  TELEGRAM_PRODUCTION_RSA_PEM,
  TELEGRAM_TEST_RSA_PEM,
  TELEGRAM_PRODUCTION_RSA_FINGERPRINT,
  TELEGRAM_TEST_RSA_FINGERPRINT,
  telegramRsaKeys,
} from './telegram-keys.js';
