/**
 * The RSA keys the client trusts for the auth-key exchange: Telegram's production and test keys
 * are always known (parsed once per crypto provider); callers add their own (e.g. a local test DC).
 */
import {
  parseRsaPublicKey,
  TELEGRAM_PRODUCTION_RSA_PEM,
  TELEGRAM_TEST_RSA_PEM,
  type CryptoProvider,
  type RsaPublicKey,
} from '../crypto/index.js';

const parsed = new WeakMap<CryptoProvider, readonly RsaPublicKey[]>();

/** Telegram's production and test-DC public keys. */
export function builtInRsaKeys(crypto: CryptoProvider): readonly RsaPublicKey[] {
  let keys = parsed.get(crypto);
  if (!keys) {
    keys = Object.freeze([parseRsaPublicKey(crypto, TELEGRAM_PRODUCTION_RSA_PEM), parseRsaPublicKey(crypto, TELEGRAM_TEST_RSA_PEM)]);
    parsed.set(crypto, keys);
  }
  return keys;
}

/** Extra keys first (a private server's key wins over a coincidence), then the built-in ones. */
export function trustedRsaKeys(crypto: CryptoProvider, extra: readonly RsaPublicKey[] = []): RsaPublicKey[] {
  return [...extra, ...builtInRsaKeys(crypto)];
}
