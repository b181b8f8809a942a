// Known-answer tests for the MTProto 2.0 computations (protocol-spec §10.1, §10.3, §10.4, §10.5, §6.7),
// run against both providers.
import { describe, expect, it } from 'vitest';
import { bigIntToBytes, bytesToBigInt, readInt64LE } from './bigint.js';
import { constantTimeEqual } from './constant-time.js';
import { checkDhParams, checkDhValue, TELEGRAM_DH_PRIME } from './dh.js';
import { factorizePq } from './factorize.js';
import {
  computeAuthKeyAuxHash,
  computeAuthKeyId,
  computeAuthKeyIdBytes,
  computeMsgKey,
  computeNewNonceHash,
  deriveMessageKey,
  deriveTmpAesKeyIv,
  initialServerSalt,
} from './mtproto.js';
import { portableCryptoProvider } from './portable.js';
import { createNodeCryptoProvider, nodeCryptoProvider } from './provider.node.js';
import type { CryptoProvider } from './provider.js';
import { parseRsaPublicKey, rsaPad } from './rsa.js';
import {
  TELEGRAM_PRODUCTION_RSA_FINGERPRINT,
  TELEGRAM_PRODUCTION_RSA_PEM,
  TELEGRAM_TEST_RSA_FINGERPRINT,
  TELEGRAM_TEST_RSA_PEM,
  telegramRsaKeys,
} from './telegram-keys.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

// §10.1: Telegram's worked auth-key example.
const S = {
  nonce: hex('79F0AFB50252E5FC96924BFCECDA4F05'),
  serverNonce: hex('801775A3EFBFD2701AA28AD727BE4646'),
  pq: 0x130b7475669feb8bn,
  p: 1141464581n,
  q: 1202243663n,
  newNonce: hex('264F835B0B7BDFF9C6ED6CF819FD6DF5DCD17E90D67ADD2C2C1E3775C7A6A0AC'),
  tmpKey: 'e68ca5aba101ffca0adda66303a57affaa2712fb16a7b8dafc72c25e8a73a368',
  tmpIv: '0a355d4431b9ddd91a51eff3f7d340d64f0390c53f91dc53c331d43c264f835b',
  gA: BigInt(
    '0x236F6D779877A357465CEC030AC5FDA6D6B377372BFA75574289988FD87D966A29B47E0C00BC788900304EA5E03F3856058C309A6CB508553913788D41A61B1D82B0A2F932C68F18FC21851E66D8649AD9E2092F08C96AD67810724369BF0511E74E1F71F1A825EDDFA1D5DC30E359693C0366FF9FB6828699ACFD1F037116F95ADD42F6C64B580B3287AA32FBA518E4B8C9C7B52413B501247DB05ADDD891794394DB529E66890603BCD75CF70E6151398EE85F6D8178EA72C6A61937BCE32BFDAEA86B57A27EBC379933F54C7D44F3E407ED26685D88F0F10A344CDF62F4E20974B374BA1D41DF223A867DD19713CF0FF71F24465D79258B1742916EE35EE3',
  ),
  b: BigInt(
    '0xF2987DDA0ABCE0B7CE23A7B850BE126641CBAABC1F4C250C839E1844E2E2CBE57BC0A30B45F6C21D8635F5E927DB0D7498A2F03C6A42D3FB2F3787D5B4D63C2F17A6EB197C0412237E528B68D3D70ADCDEEBD7CD6BACEC59D4FB8F17125ED00B95B34A2D5D8A2133937B5DFEF6DB09F0A3A1BC207A87D9FE4761C59880CA551432E4AFFCF3982B11EABC526977215F4AC2CE20FA7C808A971DA8C8A08FF26DEBB326EE580B551BEAF0C4B677FCE00E5C6AAEDA3A5A42F38C9C6E226EEDED0502A6BEFC991CC1E0B504E187206D172E72E05D958009FB8C27616EBDD28247262A33AF25E911C9DC22D9A88C6E31A623E6C1E1011CDBD184F6DFFC4F77F5370F16',
  ),
  gB: BigInt(
    '0x5EEDFBF6A2199CD1B06182C5C4E0DC26B69ECDE1AD6430D192CD8A69E7434B66A42900AF29B3F41C619AD383FB3721705CF52C34C0507433F743592EE5D4FC50F64E0F8686870E36179AF8C8F4587BD572E98AF4A8247DE2F524BCD48642B38F36104046D7502CDC14BF39A88422B4B1111D886A326C473D1145E69E37C676E1E8FDA07E470482F853886700AE1E7FFDE69FF6D40547C515110B74C6680C844B61504FE0A2D3E08BB7BAE70016C97D7E6B7FA4CEBFE6B5BE30C884849ADE39CC50FD9B4FB16F671EFE8533D0BF7FF8BF13957F1E0D55E713199CEACC72419AF60CDB1D561084565E9F090141B9F8732B2E806C1B01B25BAFFC4EE1BD5525CB8A',
  ),
  clientDhPadding: hex('8347525EB8B63DE9CE3A1FCC'),
  setClientDhEncrypted: hex(
    'FA29896EE19D3CCB08FB07CF1C922CFFBF5D38D98BA56D926D63064C77741F423BCE22B5A2C100E34BB5D7CE3027E85E65006205B6926C0E42EF29E7CC24EEC4523650F692A530FB95D57EF3604C490155FB8530C94E9E2EBDF272BDB3DD98FFCA65FF51E5DBCA4CF799D6660F6D0BA1A8B1CE6FE9D26F401B1B79E057EE273CAE14D8D8D60030C862E13B2E49FE97008AEA0EC8ADE90AE3DDDC641AE7C0844A37EFC4DA3B27308B9C40B1FD2028C12B37EA719D593DC7EDC892B8630B82E05168FCC0D76E7CA23106FEF13B09D3BAE83D612CDF2E3A5ADDE4E807EEED660C9921AD364CFF6614350F313A48AB3483F08AB81A226F7763A575F44A04BD53C58A49ABD2EE4A885F2610A8387803E418C371AF9378A0941F2DB0AA9CE019048B6C9ED0C7FCB33985624E2392233CAA5E66A3891AB18544685E96EF5C2B55E69EA2C62B33E6058DA2944F087B803F251A7C',
  ),
  authKey: hex(
    '83CBD31C0303361FF1C29437A77CBA749C84F28A118646038C7EDD29EF718A1F6A493047D476A6E678D97A4A5CC7990CEA552D68E109869E5BFC86570049CD8F2EB4BA10B6C4123FB8A977774B4C5185B5C96AF7BD7A71DB78E6E6148CED2048869A21B8ED7FBA7F6F2E7722BFA28447AB84A245CB0E6D01261191B753191E744DCFDA522D50167832EE4D5EE90AAA6F31821248F0F06BF5692EF604CFC4316CEDE078F71E17BCEBBE388589E6707AF5BA26E8DD063BB116C4B4E7BEF3B462C3350D0376D42F95D353E46BE4C378D2A60141A2339641F8B712EB3ECFB42B7F26F69E9BB15373E0AC4BE266E1681859DDAAB8CD7D877BB847D2A8BD068A784943',
  ),
};

/** client_DH_inner_data#6643b654 nonce server_nonce retry_id:long = 0 g_b:bytes, serialised by hand. */
function clientDhInnerData(): Uint8Array {
  const gB = bigIntToBytes(S.gB, 256);
  return Uint8Array.from([
    ...[0x54, 0xb6, 0x43, 0x66],
    ...S.nonce,
    ...S.serverNonce,
    ...new Uint8Array(8),
    ...[0xfe, 0x00, 0x01, 0x00],
    ...gB,
  ]);
}

const providers: CryptoProvider[] = [portableCryptoProvider, nodeCryptoProvider, createNodeCryptoProvider({ nativeAddon: false })];

describe.each(providers)('auth-key walkthrough, spec §10.1 ($name)', (crypto) => {
  it('factorises pq', () => {
    expect(factorizePq(S.pq)).toEqual([S.p, S.q]);
  });

  it('derives the temporary AES key and IV', () => {
    const { key, iv } = deriveTmpAesKeyIv(crypto, S.newNonce, S.serverNonce);
    expect(toHex(key)).toBe(S.tmpKey);
    expect(toHex(iv)).toBe(S.tmpIv);
  });

  it('accepts the DH parameters and g_a', () => {
    expect(() => checkDhParams(crypto, TELEGRAM_DH_PRIME, 3)).not.toThrow();
    expect(() => checkDhValue(S.gA, TELEGRAM_DH_PRIME, 'g_a')).not.toThrow();
    expect(() => checkDhValue(S.gB, TELEGRAM_DH_PRIME, 'g_b')).not.toThrow();
  });

  it('computes g_b = 3^b mod p and auth_key = g_a^b mod p', () => {
    expect(crypto.modPow(3n, S.b, TELEGRAM_DH_PRIME)).toBe(S.gB);
    expect(toHex(bigIntToBytes(crypto.modPow(S.gA, S.b, TELEGRAM_DH_PRIME), 256))).toBe(toHex(S.authKey));
  });

  it('decrypts set_client_DH_params.encrypted_data and checks its SHA1; encrypting reproduces it', () => {
    const { key, iv } = deriveTmpAesKeyIv(crypto, S.newNonce, S.serverNonce);
    const plain = crypto.aesIgeDecrypt(S.setClientDhEncrypted, key, iv);
    const inner = clientDhInnerData();
    expect(plain.length).toBe(336);
    expect(toHex(plain.subarray(20, 20 + inner.length))).toBe(toHex(inner));
    expect(constantTimeEqual(crypto.sha1(plain.subarray(20, 20 + inner.length)), plain.subarray(0, 20))).toBe(true);
    expect(toHex(plain.subarray(20 + inner.length))).toBe(toHex(S.clientDhPadding));

    const withHash = Uint8Array.from([...crypto.sha1(inner), ...inner, ...S.clientDhPadding]);
    expect(toHex(crypto.aesIgeEncrypt(withHash, key, iv))).toBe(toHex(S.setClientDhEncrypted));
  });

  it('computes new_nonce_hash1/2/3, auth_key_aux_hash, auth_key_id and server_salt', () => {
    expect(toHex(computeNewNonceHash(crypto, S.newNonce, S.authKey, 1))).toBe('51070b3db672b7602e4ee2fe761b36a2');
    expect(toHex(computeNewNonceHash(crypto, S.newNonce, S.authKey, 2))).toBe('794ad269e516e2908373e4933518b092');
    expect(toHex(computeNewNonceHash(crypto, S.newNonce, S.authKey, 3))).toBe('13ad218aca902a727262362b77b54fa6');
    expect(toHex(computeAuthKeyAuxHash(crypto, S.authKey))).toBe('2f3107216012e3f6');
    expect(toHex(computeAuthKeyIdBytes(crypto, S.authKey))).toBe('0438720625f291f6');
    expect(computeAuthKeyId(crypto, S.authKey)).toBe(BigInt.asIntN(64, 0xf691f22506723804n));
    expect(initialServerSalt(S.newNonce, S.serverNonce)).toBe(BigInt.asIntN(64, 0x890dc4e4f8f658a6n));
  });
});

describe.each(providers)('RSA keys and RSA_PAD ($name)', (crypto) => {
  it('fingerprints of the built-in production and test keys (spec §6.7)', () => {
    const production = parseRsaPublicKey(crypto, TELEGRAM_PRODUCTION_RSA_PEM);
    const test = parseRsaPublicKey(crypto, TELEGRAM_TEST_RSA_PEM);
    expect(production.fingerprint).toBe(TELEGRAM_PRODUCTION_RSA_FINGERPRINT);
    expect(BigInt.asUintN(64, production.fingerprint)).toBe(0xd09d1d85de64fd85n);
    expect(BigInt.asUintN(64, test.fingerprint)).toBe(0xb25898df208d2603n);
    expect(test.fingerprint).toBe(TELEGRAM_TEST_RSA_FINGERPRINT);
    expect(production.e).toBe(65537n);
    expect(production.n.toString(2).length).toBe(2048);
    expect(telegramRsaKeys().production).toEqual(production);
    expect(telegramRsaKeys().test).toEqual(test);
  });

  it('RSA_PAD vector from gotd (spec §10.3): 144 × "a", zero random source', () => {
    const key = parseRsaPublicKey(crypto, TELEGRAM_PRODUCTION_RSA_PEM);
    const out = rsaPad(crypto, new Uint8Array(144).fill(0x61), key, (length) => new Uint8Array(length));
    expect(toHex(out)).toBe(
      'bf68719e836806b040cd261ecaf66eb3c4ba19f3bbea3031b2e6cf29167bab647201d101b291dc5b716a42e789a38d947fe59e9bcce8f30ef46a946743ea8b6babbce7fc0afc46b802aa453e83471d82a4dfad83f971f350b4b4fb474cd1c48fdf427e4b5fecce9ec3178ae7dac3985856fdefa21d6fdc5e0e0fd8a57bc4f51580d637d372be8d87c9aa3fde8e6f8287bcb3be846aadcdd59465375479e248f62ed438f9804fbe36d41ca906243a5f740f3937949aa149ba8a8b8e68b3f3e1e3cd3f946387520e21eee55845e1f015a919a22f6a72bfaecd2cae946c91983b41f9ffabe97963bbde8f30eaf5fd3c5b8cecab8711bd269e441b6084f385726ff0',
    );
  });
});

describe.each(providers)('MTProto 2.0 KDF and a full message ($name)', (crypto) => {
  it('KDF vectors from mtcute (spec §10.4)', () => {
    const authKey = hex('98cb29c6ffa89e79da695a54f572e6cb101e81c688b63a4bf73c3622dec230e0'.repeat(8));
    const msgKey = hex('25d701f2a29205526757825a99eb2d32');
    const client = deriveMessageKey(crypto, authKey, msgKey, 0);
    expect(toHex(client.key)).toBe('af3f8e1ffa75f4c981eec33a3e5bbaa2ea48f9bb93e91597627eb1f67960a0c9');
    expect(toHex(client.iv)).toBe('9874d77f95155b35221bff94b7df4594c6996e2a62e44fcb7d93c8c4e41b79ee');
    const server = deriveMessageKey(crypto, authKey, msgKey, 8, { key: new Uint8Array(32), iv: new Uint8Array(32) });
    expect(toHex(server.key)).toBe('d4b378e1e0525f10ff9d4c42807ccce5b30a033a8088c0b922b5259421751648');
    expect(toHex(server.iv)).toBe('4d7194f42f0135d2fd83050b403265b4c40ee3e9e9fba56f0f4d8ea6bcb121f5');
  });

  it('handshake tmp KDF with a 16-byte new_nonce (spec §10.4)', () => {
    const { key, iv } = deriveTmpAesKeyIv(crypto, hex('3bf48b2d3152f383d82d1f2b32ac7fb5'), hex('8af24c551836e5ed7002f5857e6e71b2'));
    expect(toHex(key)).toBe('b0b5ffeadff0249fa6292f5ae0351556fd6619ba5dd4809601669292456d3e5a');
    expect(toHex(iv)).toBe('13fef5bfd8c46b12dfd1753013b86cc012e1ce8ed6f8ecdd7bf36f3a3bf48b2d');
  });

  it('decrypts the grammers/gotd server->client message and checks msg_key (spec §10.5)', () => {
    const authKey = hex(
      '5d2e7d65f49ec28bd029a88761ea27b8a4c79f12226525443e7d7c596ef3303530db2107e89aa997c7a0164ab694187adeff156bd6ef7118a1962347753c0e7e89a0354b8ec364f9997e71bc6923fb86e8e43491e010606a6ce845e2fa01940977ef0aa32adf5a97dbf6d428ec0434d717a2d3ad19622cc05887642113c7965ffb862a3e3ccb0ab95addda57f89245dbd76b492348f8e94bd5a7c0e0b84808523cfd1ea80b32fe9ad198bc2e103fceb7d52492ecc0273a28674bc923eee59265ab17a002df1f4aa2c59b819a5e5e1d105ec117336f5c76c6b187037d4b4270cee9cc21071d97e9bca220c6d7b01b998cf2e5cdb9a50ecda1852a36e635690c8e',
    );
    const packet = hex(
      '7a7183c2c10e4f4df945fa9a9abd35e7c3840b61f045304f39674c19c0e209784f50f6226a073529d675c92cbf0bfa8c99a79b3f39c72a5d9a026d431ab7407ca04ecc55187d6c45f17871524edd90cea02ed728e14d7cb18aea2a636158f09459a9437710d894c79f368c4e8164b7647ea98612aefe942c5d92121acb8db02dccceb66d0f8720ac12a06db0582bfd955be34f365118e3bab8cd080ce6b45b28eac56dcd2a29374e',
    );
    expect(toHex(computeAuthKeyIdBytes(crypto, authKey))).toBe(toHex(packet.subarray(0, 8)));
    const msgKey = packet.subarray(8, 24);
    const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 8);
    const plain = crypto.aesIgeDecrypt(packet.subarray(24), key, iv);
    expect(toHex(plain)).toBe(
      'fc826a02248b28fd60f2c4822443ad6801f0c1c2918b305e0200000058000000dcf8f1730200000001a8c1c2918b305e010000001c0000000809c29ec4fd33ad918b305e18a88ea607ee5816fc826a02248b28fd01ccc1c2918b305e0200000014000000c5737734c4fd33ad918b305e6408300000000000fce66704a3cd8ee9d0ae6fab672c60c04a3f1fd4490e51f6',
    );
    expect(constantTimeEqual(computeMsgKey(crypto, authKey, plain, 8), msgKey)).toBe(true);
    // x = 0 gives another msg_key: the direction matters.
    expect(constantTimeEqual(computeMsgKey(crypto, authKey, plain, 0), msgKey)).toBe(false);
    expect(BigInt.asUintN(64, readInt64LE(plain, 0))).toBe(0xfd288b24026a82fcn);
    expect(BigInt.asUintN(64, readInt64LE(plain, 8))).toBe(0x68ad432482c4f260n);
    expect(BigInt.asUintN(64, readInt64LE(plain, 16))).toBe(0x5e308b91c2c1f001n);
    const view = new DataView(plain.buffer, plain.byteOffset);
    expect(view.getInt32(24, true)).toBe(2);
    expect(view.getInt32(28, true)).toBe(88);
    expect(plain.length - 32 - 88).toBe(24);
    // Re-encrypting with the same key reproduces the packet body.
    expect(toHex(crypto.aesIgeEncrypt(plain, key, iv))).toBe(toHex(packet.subarray(24)));
  });
});

describe('big-endian helpers', () => {
  it('round-trips and pads', () => {
    expect(toHex(bigIntToBytes(0x0102n))).toBe('0102');
    expect(toHex(bigIntToBytes(0x0102n, 4))).toBe('00000102');
    expect(toHex(bigIntToBytes(0n))).toBe('00');
    expect(bytesToBigInt(hex('00ff'))).toBe(255n);
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(() => bigIntToBytes(0x010203n, 2)).toThrow(RangeError);
    expect(() => bigIntToBytes(-1n)).toThrow(RangeError);
  });
});
