// Known-answer tests for AES-IGE and AES-CTR (protocol-spec §10.6, §10.7, §10.8), run against both providers.
import { describe, expect, it } from 'vitest';
import { crc32 } from '../transport/crc32.js';
import { portableCryptoProvider } from './portable.js';
import { createNodeCryptoProvider, nodeCryptoProvider } from './provider.node.js';
import type { CryptoProvider } from './provider.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** TDLib's generator in tdutils/test/crypto.cpp: seed = L; seed = seed*123457567 + 987651241; byte = (seed >> 23) & 255. */
function tdlibBytes(seedInit: number, count: number): Uint8Array {
  let seed = seedInit >>> 0;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    seed = (Math.imul(seed, 123457567) + 987651241) >>> 0;
    out[i] = (seed >>> 23) & 255;
  }
  return out;
}

function tdlibCase(length: number, ivLength: number): { data: Uint8Array; key: Uint8Array; iv: Uint8Array } {
  const all = tdlibBytes(length, length + 32 + ivLength);
  return { data: all.slice(0, length), key: all.slice(length, length + 32), iv: all.slice(length + 32) };
}

const providers: CryptoProvider[] = [portableCryptoProvider, nodeCryptoProvider, createNodeCryptoProvider({ nativeAddon: false })];

describe.each(providers)('AES-IGE known answers ($name)', (crypto) => {
  it('OpenSSL igetest vector 0 (AES-128, pins the IV-half convention)', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f');
    const iv = Uint8Array.from({ length: 32 }, (_, i) => i);
    const ct = crypto.aesIgeEncrypt(new Uint8Array(32), key, iv);
    expect(toHex(ct)).toBe('1a8519a6557be652e9da8e43da4ef4453cf456b4ca488aa383c79c98b34797cb');
    expect(toHex(crypto.aesIgeDecrypt(ct, key, iv))).toBe('00'.repeat(32));
  });

  it('OpenSSL igetest vector 1 (decrypt)', () => {
    const key = ascii('This is an imple');
    const iv = ascii('mentation of IGE mode for OpenSS');
    const input = hex('4c2e204c6574277320686f70652042656e20676f74206974207269676874210a');
    const output = crypto.aesIgeDecrypt(input, key, iv);
    expect(toHex(output)).toBe('99706487a1cde613bc6de0b6f24b1c7aa448c8b9c3403e3467a8cad89340f53b');
    expect(toHex(crypto.aesIgeEncrypt(output, key, iv))).toBe(toHex(input));
  });

  it('Telethon/GramJS AES-256-IGE vector', () => {
    const key = ascii('the key needs 32 characters long');
    const iv = ascii('the iv needs 32 characters long.');
    const plain = ascii('this should hold a 64 characters long string. only 10 more left.');
    const expected =
      '4a657a834edc2956ec95b2a42ec8c1f2d1f0a6028ac26fd830ed23855574b4e69dd1a2be2ba18a53a49b879b245e1065e14b6e8ac5ba9b24befaff3209b77b5f';
    expect(toHex(crypto.aesIgeEncrypt(plain, key, iv))).toBe(expected);
    expect(crypto.aesIgeDecrypt(hex(expected), key, iv)).toEqual(plain);
  });

  it('TDLib AesIgeState: L = 32 expanded', () => {
    const { data, key, iv } = tdlibCase(32, 32);
    expect(toHex(key)).toBe('3ef36a602c7c290e9f61268b6ea7ff16fec2e55b47989477d17d5df8b1381eda');
    expect(toHex(iv)).toBe('8efd468ba172d4e8aeaa573d0e2ced49a7ed4639f052a1a8ef30cba53dcb25ad');
    expect(toHex(data)).toBe('4c7b4aeccf62f232603b211f558bf57195491f5397d8db64620efab08c30dab5');
    expect(toHex(crypto.aesIgeEncrypt(data, key, iv))).toBe('c7dc97b92ae0375496947e56678e2bf4b1b5f178a91dfa2ddeb69d9d5db2361c');
  });

  it.each([
    [0, 0],
    [16, 2045698207],
    [32, 2423540300],
    [256, 525522475],
    [1024, 1545267325],
    [65536, 724143417],
  ])('TDLib AesIgeState: CRC32 of L = %i', (length, expectedCrc) => {
    const { data, key, iv } = tdlibCase(length, 32);
    const ct = crypto.aesIgeEncrypt(data, key, iv);
    expect(crc32(ct)).toBe(expectedCrc);
    expect(crypto.aesIgeDecrypt(ct, key, iv)).toEqual(data);
  });

  it('never modifies its input and works on unaligned views', () => {
    const { data, key, iv } = tdlibCase(1024, 32);
    const backing = new Uint8Array(1024 + 3);
    backing.set(data, 3);
    const view = backing.subarray(3);
    const before = view.slice();
    const ct = crypto.aesIgeEncrypt(view, key, iv);
    expect(view).toEqual(before);
    expect(crc32(ct)).toBe(1545267325);
    const ctBacking = new Uint8Array(ct.length + 1);
    ctBacking.set(ct, 1);
    expect(crypto.aesIgeDecrypt(ctBacking.subarray(1), key, iv)).toEqual(data);
  });

  it('rejects bad lengths', () => {
    expect(() => crypto.aesIgeEncrypt(new Uint8Array(15), new Uint8Array(32), new Uint8Array(32))).toThrow(RangeError);
    expect(() => crypto.aesIgeDecrypt(new Uint8Array(16), new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => crypto.aesIgeEncrypt(new Uint8Array(16), new Uint8Array(32), new Uint8Array(16))).toThrow(RangeError);
  });
});

describe.each(providers)('AES-CTR known answers ($name)', (crypto) => {
  it('GramJS vector: the keystream continues across calls', () => {
    const ctr = crypto.createAesCtr(ascii('the key needs 32 characters long'), ascii('the iv does not.'));
    expect(toHex(ctr.process(ascii('this can be any length')))).toBe('5f40f14f8b70178f70e8045b44eff5f1b148714f23cd');
    expect(toHex(ctr.process(ascii('this also can be anything')))).toBe('cd0779d148b466935cf573450212451692bc82fccd5b106e53');
  });

  it('TDLib AesCtrState: L = 32 expanded', () => {
    const { data, key, iv } = tdlibCase(32, 16);
    expect(toHex(iv)).toBe('8efd468ba172d4e8aeaa573d0e2ced49');
    expect(toHex(crypto.createAesCtr(key, iv).process(data))).toBe('ebf6547eee96f66d95c00f9d53303ee65db45d3c408815ebf97b373dc143deff');
  });

  const lengths = [0, 1, 31, 32, 33, 9999, 10000, 10001, 999999, 1000001];
  const crcs = [0, 1141589763, 596296607, 3673001485, 2302125528, 330967191, 2047392231, 3537459563, 307747798, 2149598133];
  const wrapCrcs = [0, 2053451992, 1384063362, 3266188502, 2893295118, 780356167, 1904947434, 2043402406, 472080809, 1807109488];

  it.each(lengths.map((length, i) => [length, crcs[i], wrapCrcs[i]]))(
    'TDLib AesCtrState: CRC32 of L = %i, and with IV = ff..ff (counter wrap)',
    (length, expectedCrc, expectedWrapCrc) => {
      const { data, key, iv } = tdlibCase(length, 16);
      // Feed it in uneven chunks: the result must not depend on how the stream is cut.
      const ct = data.slice();
      const stream = crypto.createAesCtr(key, iv);
      for (let offset = 0, step = 1; offset < ct.length; offset += step, step = (step * 7 + 3) % 4099) {
        stream.process(ct.subarray(offset, Math.min(offset + step, ct.length)));
      }
      expect(crc32(ct)).toBe(expectedCrc);
      const wrapped = crypto.createAesCtr(key, new Uint8Array(16).fill(0xff)).process(data.slice());
      expect(crc32(wrapped)).toBe(expectedWrapCrc);
    },
  );
});

describe.each(providers)('obfuscated2 key derivation through CTR (spec §10.8, $name)', (crypto) => {
  it('derived vector (no secret, tag eeeeeeee, DC 2)', () => {
    const init = Uint8Array.from({ length: 64 }, (_, i) => i);
    init.set([0xee, 0xee, 0xee, 0xee, 0x02, 0x00], 56);
    const reversed = init.slice().reverse();
    expect(toHex(reversed.subarray(8, 40))).toBe('37363534333231302f2e2d2c2b2a292827262524232221201f1e1d1c1b1a1918');
    expect(toHex(reversed.subarray(40, 56))).toBe('17161514131211100f0e0d0c0b0a0908');
    const encryptor = crypto.createAesCtr(init.subarray(8, 40), init.subarray(40, 56));
    const encryptedInit = encryptor.process(init.slice());
    expect(toHex(encryptedInit.subarray(56, 64))).toBe('4618255e1c00fd5d');
    const packet = hex('28000000' + '000000000000000060970500EBE5776714000000F18E7EBE79F0AFB50252E5FC96924BFCECDA4F05');
    expect(toHex(encryptor.process(packet))).toBe('1aa9c12838f1654122b190bd7d35b70b4943b3cacdf70efbdc1868a27ab9f766812937701c00bb51dd5236f3');
    const decryptor = crypto.createAesCtr(reversed.subarray(8, 40), reversed.subarray(40, 56));
    expect(toHex(decryptor.process(new Uint8Array(16)))).toBe('2f9de370decc064095d931e30a267b69');
  });

  it('gotd vector with an MTProxy secret (key = SHA256(key ‖ secret))', () => {
    const init = hex(
      'f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6f416ff7b026f6cce6',
    );
    init.set([0xdd, 0xdd, 0xdd, 0xdd, 0x02, 0x00], 56);
    const secret = hex('8a96ef6e42a18c21837580cd1c91c5a8');
    const reversed = init.slice().reverse();
    const encryptor = crypto.createAesCtr(crypto.sha256(init.subarray(8, 40), secret), init.subarray(40, 56));
    const decryptor = crypto.createAesCtr(crypto.sha256(reversed.subarray(8, 40), secret), reversed.subarray(40, 56));
    expect(toHex(encryptor.process(init.slice()).subarray(56, 64))).toBe('bea2dde16dc59dd2');
    expect(toHex(encryptor.process(ascii('abcd')))).toBe('ca7a8226');
    expect(toHex(decryptor.process(ascii('abcd')))).toBe('8f711982');
  });

  it('second gotd vector (init = 64 × 0x61, secret = 16 × 0xaa)', () => {
    const init = new Uint8Array(64).fill(0x61);
    init.set([0xdd, 0xdd, 0xdd, 0xdd, 0x02, 0x00], 56);
    const encryptor = crypto.createAesCtr(crypto.sha256(init.subarray(8, 40), new Uint8Array(16).fill(0xaa)), init.subarray(40, 56));
    expect(toHex(encryptor.process(init.slice()).subarray(56, 64))).toBe('ab4162424f66fddc');
  });
});
