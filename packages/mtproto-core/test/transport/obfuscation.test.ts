// Obfuscated2 (§3) against the public vectors of §10.8, plus the server's view of the same init.
import { describe, expect, it } from 'vitest';
import {
  createObfuscatedInit,
  isForbiddenInitPrefix,
  obfuscatedDcId,
  parseObfuscatedInit,
  parseProxySecret,
  ProtocolError,
  TransportError,
} from '../../src/index.js';
import { cryptoProviders, hex, testCrypto, toHex } from './helpers.js';

/** A random source that returns the given bytes (then fails, so regeneration would be noticed). */
function fixedRandom(bytes: Uint8Array) {
  let used = false;
  return (target: Uint8Array) => {
    if (used) throw new Error('random drawn twice');
    used = true;
    target.set(bytes);
    return target;
  };
}

const GOTD_INIT =
  'f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6f416ff7b026f6cce6';

describe.each(cryptoProviders)('obfuscated2 vectors (§10.8), %s crypto', (_name, provider) => {
  it('gotd: tag dddddddd, DC 2, MTProxy secret', () => {
    const { init, encryptor, decryptor } = createObfuscatedInit({
      framing: 'padded',
      dcId: 2,
      secret: hex('8a96ef6e42a18c21837580cd1c91c5a8'),
      crypto: provider,
      random: fixedRandom(hex(GOTD_INIT)),
    });
    expect(toHex(init)).toBe(
      'f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fbea2dde16dc59dd2',
    );
    expect(toHex(encryptor.process(new TextEncoder().encode('abcd')))).toBe('ca7a8226');
    expect(toHex(decryptor.process(new TextEncoder().encode('abcd')))).toBe('8f711982');
  });

  it('gotd: init of 64 x 0x61, secret 16 x 0xaa, tag dddddddd, DC 2', () => {
    const { init } = createObfuscatedInit({
      framing: 'padded',
      dcId: 2,
      secret: new Uint8Array(16).fill(0xaa),
      crypto: provider,
      random: fixedRandom(new Uint8Array(64).fill(0x61)),
    });
    expect(toHex(init.subarray(56))).toBe('ab4162424f66fddc');
  });

  it('derived: init 00..3f, tag eeeeeeee, DC 2, first intermediate packet, server keystream', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
    const { init, encryptor, decryptor } = createObfuscatedInit({
      framing: 'intermediate',
      dcId: 2,
      crypto: provider,
      random: fixedRandom(bytes),
    });
    expect(toHex(init)).toBe(
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536374618255e1c00fd5d',
    );
    const packet = hex('28000000' + '000000000000000060970500EBE5776714000000F18E7EBE79F0AFB50252E5FC96924BFCECDA4F05');
    expect(toHex(encryptor.process(packet))).toBe('1aa9c12838f1654122b190bd7d35b70b4943b3cacdf70efbdc1868a27ab9f766812937701c00bb51dd5236f3');
    expect(toHex(decryptor.process(new Uint8Array(16)))).toBe('2f9de370decc064095d931e30a267b69');
  });
});

describe('init block', () => {
  it('never starts with a forbidden prefix (§3.2): such draws are regenerated', () => {
    const forbidden = [
      'ef00000001000000',
      '4845414401000000', // HEAD
      '504f535401000000', // POST
      '4745542001000000', // GET
      '4f50544901000000', // OPTI
      '1603010201000000', // TLS
      'dddddddd01000000',
      'eeeeeeee01000000',
      '0102030400000000', // seqno word 0
    ];
    for (const prefix of forbidden) expect(isForbiddenInitPrefix(hex(prefix))).toBe(true);
    expect(isForbiddenInitPrefix(hex('0102030405060708'))).toBe(false);

    let draws = 0;
    const random = (target: Uint8Array) => {
      const prefix = forbidden[draws++];
      target.fill(0x42);
      if (prefix) target.set(hex(prefix));
      return target;
    };
    const { init } = createObfuscatedInit({ framing: 'abridged', crypto: testCrypto, random });
    expect(draws).toBe(forbidden.length + 1);
    expect(toHex(init.subarray(0, 8))).toBe('4242424242424242');
  });

  it('DC id encoding (§3.5): +10000 for test, negated for media', () => {
    expect(obfuscatedDcId({ dcId: 2 })).toBe(2);
    expect(obfuscatedDcId({ dcId: 4, media: true })).toBe(-4);
    expect(obfuscatedDcId({ dcId: 2, test: true })).toBe(10002);
    expect(obfuscatedDcId({ dcId: 2, test: true, media: true })).toBe(-10002);
  });

  it('refuses DC ids that do not fit an int16 and secrets that are not 16 bytes', () => {
    expect(() => createObfuscatedInit({ framing: 'abridged', crypto: testCrypto, dcId: 40000 })).toThrow(RangeError);
    expect(() => createObfuscatedInit({ framing: 'abridged', crypto: testCrypto, secret: new Uint8Array(17) })).toThrow(RangeError);
  });
});

describe.each(cryptoProviders)('parseObfuscatedInit (server side), %s crypto', (_name, provider) => {
  for (const framing of ['abridged', 'intermediate', 'padded'] as const) {
    for (const secret of [undefined, hex('8a96ef6e42a18c21837580cd1c91c5a8')]) {
      it(`${framing}${secret ? ' with secret' : ''}: reads tag and DC id; both directions decrypt`, () => {
        const client = createObfuscatedInit({ framing, dcId: -4, secret, crypto: provider });
        const received = client.init.slice();
        const server = parseObfuscatedInit(received, { crypto: provider, secret });
        expect(toHex(received)).toBe(toHex(client.init)); // not modified
        expect(server.framing).toBe(framing);
        expect(server.dcId).toBe(-4);
        const up = client.encryptor.process(new TextEncoder().encode('hello server'));
        expect(new TextDecoder().decode(server.decryptor.process(up))).toBe('hello server');
        const down = server.encryptor.process(new TextEncoder().encode('hello client'));
        expect(new TextDecoder().decode(client.decryptor.process(down))).toBe('hello client');
      });
    }
  }

  it('the §10.8 gotd header decodes to tag dddddddd and DC 2', () => {
    const header = hex(
      'f5768f50b731260a46be1027c2eeaa39350624f0b6da59eba56c81fe4510c2e0b61d3dd323ee02388633e3837a0c1c24fa6f29ccd724be6fbea2dde16dc59dd2',
    );
    const parsed = parseObfuscatedInit(header, { crypto: provider, secret: hex('8a96ef6e42a18c21837580cd1c91c5a8') });
    expect(parsed.framing).toBe('padded');
    expect(parsed.dcId).toBe(2);
    expect(toHex(parsed.decryptor.process(hex('ca7a8226')))).toBe(toHex(new TextEncoder().encode('abcd')));
  });

  it('a wrong secret or a short init is a ProtocolError', () => {
    const client = createObfuscatedInit({ framing: 'padded', secret: new Uint8Array(16).fill(1), crypto: provider });
    expect(() => parseObfuscatedInit(client.init, { crypto: provider, secret: new Uint8Array(16).fill(2) })).toThrow(ProtocolError);
    expect(() => parseObfuscatedInit(new Uint8Array(63), { crypto: provider })).toThrow(ProtocolError);
  });
});

describe('parseProxySecret (§3.6)', () => {
  it('16-byte hex secret', () => {
    const parsed = parseProxySecret('8a96ef6e42a18c21837580cd1c91c5a8');
    expect(toHex(parsed.key)).toBe('8a96ef6e42a18c21837580cd1c91c5a8');
    expect(parsed.forcePadded).toBe(false);
  });

  it('dd secret forces padded framing', () => {
    const parsed = parseProxySecret('dd99999999999999999999999999999999');
    expect(toHex(parsed.key)).toBe('99'.repeat(16));
    expect(parsed.forcePadded).toBe(true);
  });

  it('base64url secret and raw bytes', () => {
    const bytes = hex('dd8a96ef6e42a18c21837580cd1c91c5a8');
    const base64url = Buffer.from(bytes).toString('base64url');
    expect(toHex(parseProxySecret(base64url).key)).toBe('8a96ef6e42a18c21837580cd1c91c5a8');
    expect(parseProxySecret(bytes).forcePadded).toBe(true);
  });

  it('fake-TLS and malformed secrets are refused clearly', () => {
    expect(() => parseProxySecret('ee' + '11'.repeat(16) + Buffer.from('example.com').toString('hex'))).toThrow(/fake-TLS/);
    expect(() => parseProxySecret('abcd')).toThrow(TransportError);
    expect(() => parseProxySecret('not a secret!')).toThrow(TransportError);
  });
});

describe('providers interoperate', () => {
  it('node client <-> portable server and back, over unaligned chunk sizes', () => {
    const [[, node], [, portable]] = cryptoProviders;
    for (const [clientCrypto, serverCrypto] of [
      [node, portable],
      [portable, node],
    ]) {
      const client = createObfuscatedInit({ framing: 'intermediate', dcId: 3, crypto: clientCrypto });
      const server = parseObfuscatedInit(client.init, { crypto: serverCrypto });
      for (const size of [1, 3, 15, 16, 17, 31, 33, 100, 1000, 4097]) {
        const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + size) & 0xff);
        expect(toHex(server.decryptor.process(client.encryptor.process(data.slice())))).toBe(toHex(data));
        expect(toHex(client.decryptor.process(server.encryptor.process(data.slice())))).toBe(toHex(data));
      }
    }
  });
});
