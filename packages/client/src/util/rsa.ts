/**
 * Server RSA keys given as PEM (the local test DC's), in the form the session takes.
 */
import { parseRsaPublicKeyPem, type RsaPublicKey } from '@x/mtproto-core';

export function importRsaPublicKeyPem(pem: string): RsaPublicKey {
  return parseRsaPublicKeyPem(pem);
}
