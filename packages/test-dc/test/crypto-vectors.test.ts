/**
 * The server's crypto checked against public vectors (protocol notes §10): the same primitives
 * also serve the test client, so they must be right on their own.
 */
import { serializeTl, type TlObject } from '@x/mtproto-core';
import { describe, expect, it } from 'vitest';
import { DH_G, DH_PRIME, isSafeDhValue } from '../src/crypto/dh.js';
import { authKeyHashes, decryptInnerData, handshakeTmpKey, newNonceHash, undoRsaPad } from '../src/crypto/handshake-crypto.js';
import { encryptServerMessage, messageKdf } from '../src/crypto/message-crypto.js';
import { aesIgeDecrypt, aesIgeEncrypt, modPow, sha1 } from '../src/crypto/node-crypto.js';
import { generateServerRsaKey } from '../src/crypto/rsa-key.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, fromHex, readInt64, toHex } from '../src/util/bytes.js';
import { decryptServerMessage, parsePublicKeyPem, rsaLegacyEncrypt, rsaPadEncrypt } from './helpers/client-crypto.js';
import * as v from './helpers/vectors.js';

describe('AES-256-IGE', () => {
  it('matches the Telethon/GramJS vector', () => {
    const key = new TextEncoder().encode('the key needs 32 characters long');
    const iv = new TextEncoder().encode('the iv needs 32 characters long.');
    const plain = new TextEncoder().encode('this should hold a 64 characters long string. only 10 more left.');
    const cipher = aesIgeEncrypt(plain, key, iv);
    expect(toHex(cipher)).toBe(
      '4a657a834edc2956ec95b2a42ec8c1f2d1f0a6028ac26fd830ed23855574b4e69dd1a2be2ba18a53a49b879b245e1065e14b6e8ac5ba9b24befaff3209b77b5f',
    );
    expect(aesIgeDecrypt(cipher, key, iv)).toEqual(plain);
  });

  it('matches the TDLib generated vector (L = 32)', () => {
    const key = fromHex('3ef36a602c7c290e9f61268b6ea7ff16fec2e55b47989477d17d5df8b1381eda');
    const iv = fromHex('8efd468ba172d4e8aeaa573d0e2ced49a7ed4639f052a1a8ef30cba53dcb25ad');
    const plain = fromHex('4c7b4aeccf62f232603b211f558bf57195491f5397d8db64620efab08c30dab5');
    expect(toHex(aesIgeEncrypt(plain, key, iv))).toBe('c7dc97b92ae0375496947e56678e2bf4b1b5f178a91dfa2ddeb69d9d5db2361c');
  });

  it('refuses data that is not whole blocks', () => {
    expect(() => aesIgeEncrypt(new Uint8Array(15), new Uint8Array(32), new Uint8Array(32))).toThrow(RangeError);
  });
});

describe('the samples-page handshake (§10.1)', () => {
  const nonce = fromHex(v.NONCE);
  const serverNonce = fromHex(v.SERVER_NONCE);
  const newNonce = fromHex(v.NEW_NONCE);

  it('derives tmp_aes_key / tmp_aes_iv', () => {
    const { key, iv } = handshakeTmpKey(newNonce, serverNonce);
    expect(toHex(key)).toBe(v.TMP_AES_KEY);
    expect(toHex(iv)).toBe(v.TMP_AES_IV);
  });

  it('reads set_client_DH_params the way the server does, and re-encrypts it byte for byte', () => {
    const inner = serializeTl({ _: 'client_DH_inner_data', nonce, serverNonce, retryId: 0n, gB: fromHex(v.G_B) } as TlObject);
    const dataWithHash = concatBytes(sha1(inner), inner, fromHex(v.CLIENT_DH_PADDING));
    const key = fromHex(v.TMP_AES_KEY);
    const iv = fromHex(v.TMP_AES_IV);
    expect(toHex(aesIgeEncrypt(dataWithHash, key, iv))).toBe(v.SET_CLIENT_DH_ENCRYPTED);
    expect(aesIgeDecrypt(fromHex(v.SET_CLIENT_DH_ENCRYPTED), key, iv)).toEqual(dataWithHash);
  });

  it('computes g_b, the auth key, its hashes and the dh_gen_ok hash', () => {
    const b = bytesToBigInt(fromHex(v.B));
    expect(toHex(bigIntToBytes(modPow(BigInt(DH_G), b, DH_PRIME), 256))).toBe(v.G_B);
    const authKey = bigIntToBytes(modPow(bytesToBigInt(fromHex(v.G_A)), b, DH_PRIME), 256);
    expect(toHex(authKey)).toBe(v.AUTH_KEY);
    const { auxHash, keyIdBytes } = authKeyHashes(authKey);
    expect(toHex(auxHash)).toBe('2f3107216012e3f6');
    expect(toHex(keyIdBytes)).toBe('0438720625f291f6');
    expect(toHex(newNonceHash(newNonce, 1, auxHash))).toBe(v.NEW_NONCE_HASH1);
    expect(toHex(newNonceHash(newNonce, 2, auxHash))).toBe('794ad269e516e2908373e4933518b092');
    expect(toHex(newNonceHash(newNonce, 3, auxHash))).toBe('13ad218aca902a727262362b77b54fa6');
    const salt = readInt64(newNonce, 0) ^ readInt64(serverNonce, 0);
    expect(BigInt.asUintN(64, salt)).toBe(0x890dc4e4f8f658a6n);
  });

  it('g_a and g_b of the sample pass the range checks; the edges do not', () => {
    expect(isSafeDhValue(bytesToBigInt(fromHex(v.G_A)))).toBe(true);
    expect(isSafeDhValue(bytesToBigInt(fromHex(v.G_B)))).toBe(true);
    expect(isSafeDhValue(1n)).toBe(false);
    expect(isSafeDhValue(DH_PRIME - 1n)).toBe(false);
    expect(isSafeDhValue(1n << 1983n)).toBe(false);
  });
});

describe('MTProto 2.0 messages', () => {
  it('KDF matches mtcute (§10.4)', () => {
    const authKey = fromHex('98cb29c6ffa89e79da695a54f572e6cb101e81c688b63a4bf73c3622dec230e0'.repeat(8));
    const msgKey = fromHex('25d701f2a29205526757825a99eb2d32');
    const client = messageKdf(authKey, msgKey, 0);
    expect(toHex(client.key)).toBe('af3f8e1ffa75f4c981eec33a3e5bbaa2ea48f9bb93e91597627eb1f67960a0c9');
    expect(toHex(client.iv)).toBe('9874d77f95155b35221bff94b7df4594c6996e2a62e44fcb7d93c8c4e41b79ee');
    const server = messageKdf(authKey, msgKey, 8);
    expect(toHex(server.key)).toBe('d4b378e1e0525f10ff9d4c42807ccce5b30a033a8088c0b922b5259421751648');
    expect(toHex(server.iv)).toBe('4d7194f42f0135d2fd83050b403265b4c40ee3e9e9fba56f0f4d8ea6bcb121f5');
  });

  it('encrypts the grammers/gotd server message byte for byte (§10.5)', () => {
    const authKey = fromHex(v.GOTD_AUTH_KEY);
    const plaintext = fromHex(v.GOTD_PLAINTEXT);
    const { keyIdBytes } = authKeyHashes(authKey);
    expect(toHex(encryptServerMessage(authKey, keyIdBytes, plaintext))).toBe(v.GOTD_ENCRYPTED);
    expect(decryptServerMessage(authKey, fromHex(v.GOTD_ENCRYPTED))).toEqual(plaintext);
  });
});

describe('RSA', () => {
  it('the test client RSA_PAD matches gotd (§10.3) and the production key fingerprint (§6.7)', () => {
    const key = parsePublicKeyPem(v.PRODUCTION_KEY_PEM);
    expect(BigInt.asUintN(64, key.fingerprint)).toBe(0xd09d1d85de64fd85n);
    const data = new Uint8Array(144).fill(0x61);
    expect(toHex(rsaPadEncrypt(data, key, (length) => new Uint8Array(length)))).toBe(v.RSA_PAD_EXPECTED);
  });

  it('the server undoes RSA_PAD and the legacy SHA1 scheme, and refuses garbage', () => {
    const server = generateServerRsaKey();
    const client = parsePublicKeyPem(server.publicKeyPem);
    expect(client.fingerprint).toBe(server.fingerprint);
    const data = new Uint8Array(100).map((_, index) => index);
    const padded = decryptInnerData(server, rsaPadEncrypt(data, client));
    expect(padded?.scheme).toBe('rsa_pad');
    expect(padded?.data.subarray(0, 100)).toEqual(data);
    const legacy = decryptInnerData(server, rsaLegacyEncrypt(data, client));
    expect(legacy?.scheme).toBe('raw_sha1');
    expect(legacy?.data.subarray(0, 100)).toEqual(data);
    expect(legacy?.checkHash?.(100)).toBe(true);
    expect(legacy?.checkHash?.(99)).toBe(false);
    expect(decryptInnerData(server, new Uint8Array(256).fill(0xff))).toBeUndefined();
    expect(undoRsaPad(new Uint8Array(256))).toBeUndefined();
  });
});
