// Quick acks, transport errors and padding at the byte level (§2.1-2.6), and corrupt streams.
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameEncoder, ProtocolError, type FramingKind } from '../../src/index.js';
import { encryptedPacket, hex, plaintextPacket, recorder, toHex } from './helpers.js';

const CODES: Array<[number, string]> = [
  [-404, '6cfeffff'],
  [-429, '53feffff'],
  [-444, '44feffff'],
  [-403, '6dfeffff'],
];

function decodeAsClient(framing: FramingKind, wire: string) {
  const sink = recorder();
  new FrameDecoder(framing, sink).feed(hex(wire));
  return sink.events;
}

function expectProtocolError(run: () => void, code: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ProtocolError);
  expect((caught as ProtocolError).code).toBe(code);
}

describe('transport error codes (§2.6) in every framing', () => {
  describe.each(CODES)('%i', (code, bytes) => {
    it('abridged: 01 + code', () => {
      expect(toHex(new FrameEncoder('abridged', { role: 'server' }).encodeTransportError(code))).toBe('01' + bytes);
      expect(decodeAsClient('abridged', '01' + bytes)).toEqual([{ type: 'transportError', code }]);
    });
    it('intermediate: 04000000 + code', () => {
      expect(toHex(new FrameEncoder('intermediate', { role: 'server' }).encodeTransportError(code))).toBe('04000000' + bytes);
      expect(decodeAsClient('intermediate', '04000000' + bytes)).toEqual([{ type: 'transportError', code }]);
    });
    it('padded: code + up to 11 random bytes (a packet under 16 bytes)', () => {
      for (let pad = 0; pad < 12; pad++) {
        const wire = (4 + pad).toString(16).padStart(2, '0') + '000000' + bytes + 'ab'.repeat(pad);
        expect(decodeAsClient('padded', wire)).toEqual([{ type: 'transportError', code }]);
      }
      const encoded = new FrameEncoder('padded', { role: 'server', random: (t) => t.fill(11) }).encodeTransportError(code);
      expect(toHex(encoded)).toBe('0f000000' + bytes + '0b'.repeat(11));
    });
    it('full: a framed 4-byte packet, or a bare int32 in place of the length', () => {
      const framed = new FrameEncoder('full', { role: 'server' }).encodeTransportError(code);
      expect(toHex(framed.subarray(0, 12))).toBe('10000000' + '00000000' + bytes);
      const sink = recorder();
      new FrameDecoder('full', sink).feed(framed);
      expect(sink.events).toEqual([{ type: 'transportError', code }]);
      expect(decodeAsClient('full', bytes)).toEqual([{ type: 'transportError', code }]);
    });
  });
});

describe('quick acks (§2.1-2.3)', () => {
  const token = 0x8badf00d;

  it('abridged request: bit 7 of the first header byte, in short and long form', () => {
    const encoder = new FrameEncoder('abridged');
    expect(encoder.encode(new Uint8Array(40), { quickAck: true })[0]).toBe(0x8a);
    expect(toHex(encoder.encode(new Uint8Array(1024), { quickAck: true }).subarray(0, 4))).toBe('ff000100');
  });

  it('abridged answer: the token byte-swapped, with no header', () => {
    const wire = new FrameEncoder('abridged', { role: 'server' }).encodeQuickAck(token);
    expect(toHex(wire)).toBe('8badf00d');
    expect(decodeAsClient('abridged', '8badf00d')).toEqual([{ type: 'quickAck', token }]);
  });

  it('intermediate and padded request: bit 31 of the length', () => {
    expect(toHex(new FrameEncoder('intermediate').encode(new Uint8Array(40), { quickAck: true }).subarray(0, 4))).toBe('28000080');
    const padded = new FrameEncoder('padded', { random: (t) => t.fill(0) }).encode(new Uint8Array(40), { quickAck: true });
    expect(toHex(padded.subarray(0, 4))).toBe('28000080');
  });

  it('intermediate answer: the token in place of a length', () => {
    expect(toHex(new FrameEncoder('intermediate', { role: 'server' }).encodeQuickAck(token))).toBe('0df0ad8b');
    expect(decodeAsClient('intermediate', '0df0ad8b')).toEqual([{ type: 'quickAck', token }]);
    expect(decodeAsClient('padded', '0df0ad8b')).toEqual([{ type: 'quickAck', token }]);
  });

  it('padded answer: a padded packet ffffffff + token + 0..7 random bytes', () => {
    const wire = new FrameEncoder('padded', { role: 'server', random: (t) => t.fill(7) }).encodeQuickAck(token);
    expect(toHex(wire)).toBe('0f000000' + 'ffffffff' + '0df0ad8b' + '07'.repeat(7));
    for (let pad = 0; pad <= 8; pad++) {
      const packet = (8 + pad).toString(16).padStart(2, '0') + '000000ffffffff0df0ad8b' + '00'.repeat(pad);
      expect(decodeAsClient('padded', packet)).toEqual([{ type: 'quickAck', token }]);
    }
  });

  it('full has no quick acks: the request flag is ignored, answering one is refused', () => {
    const plain = new FrameEncoder('full').encode(new Uint8Array(40));
    expect(toHex(new FrameEncoder('full').encode(new Uint8Array(40), { quickAck: true }))).toBe(toHex(plain));
    expectProtocolError(() => new FrameEncoder('full', { role: 'server' }).encodeQuickAck(token), 'FRAMING_NO_QUICK_ACK');
  });

  it('the server decoder reports requested quick acks with the packet', () => {
    for (const framing of ['abridged', 'intermediate', 'padded'] as const) {
      const sink = recorder();
      const data = encryptedPacket(40);
      new FrameDecoder(framing, sink, { role: 'server' }).feed(new FrameEncoder(framing).encode(data, { quickAck: true }));
      expect(sink.events).toEqual([{ type: 'packet', hex: toHex(data), quickAck: true }]);
    }
  });

  it('a no-op control packet (int32 0) produces no event', () => {
    expect(decodeAsClient('intermediate', '04000000' + '00000000')).toEqual([]);
  });
});

describe('padded intermediate padding (§2.3)', () => {
  for (let padding = 0; padding < 16; padding++) {
    it(`${padding} padding bytes are added and stripped structurally`, () => {
      const random = (target: Uint8Array) => {
        target.fill(0xa5);
        target[0] = padding + 16 * 3; // only the low 4 bits choose the length
        return target;
      };
      for (const data of [encryptedPacket(3), plaintextPacket(45), plaintextPacket(0)]) {
        const framed = new FrameEncoder('padded', { random }).encode(data);
        expect(framed.length).toBe(4 + data.length + padding);
        const sink = recorder();
        new FrameDecoder('padded', sink, { role: 'server' }).feed(framed);
        expect(sink.events).toEqual([{ type: 'packet', hex: toHex(data), quickAck: false }]);
      }
    });
  }

  it('padding is random: lengths vary with the default random source', () => {
    const encoder = new FrameEncoder('padded');
    const lengths = new Set(Array.from({ length: 200 }, () => encoder.encode(encryptedPacket(1)).length));
    expect(lengths.size).toBeGreaterThan(8);
    for (const length of lengths) expect(length - 4 - 40).toBeLessThan(16);
  });

  it('an unencrypted message claiming more data than the packet holds is refused', () => {
    const data = plaintextPacket(20);
    new DataView(data.buffer).setUint32(16, 21, true);
    expectProtocolError(() => new FrameDecoder('padded', recorder()).feed(new FrameEncoder('padded', { random: (t) => t.fill(0) }).encode(data)), 'FRAMING_PADDING');
  });

  it('an encrypted message shorter than its 24-byte header is refused', () => {
    const data = encryptedPacket(0).subarray(0, 20);
    expectProtocolError(() => new FrameDecoder('padded', recorder()).feed(new FrameEncoder('padded', { random: (t) => t.fill(0) }).encode(data)), 'FRAMING_PADDING');
  });
});

describe('corrupt streams', () => {
  it('full: a flipped bit anywhere in the packet fails the CRC', () => {
    const framed = new FrameEncoder('full', { role: 'server' }).encode(encryptedPacket(2));
    for (let at = 8; at < framed.length; at++) {
      const copy = framed.slice();
      copy[at] ^= 0x10;
      expectProtocolError(() => new FrameDecoder('full', recorder()).feed(copy), 'FRAMING_CRC');
    }
  });

  it('full: a wrong seqno is refused (and a replayed packet too)', () => {
    const encoder = new FrameEncoder('full', { role: 'server' });
    const first = encoder.encode(encryptedPacket(1));
    const decoder = new FrameDecoder('full', recorder());
    decoder.feed(first.slice());
    expectProtocolError(() => decoder.feed(first.slice()), 'FRAMING_SEQNO');
    const skipped = new FrameEncoder('full', { role: 'server' });
    skipped.encode(encryptedPacket(1));
    expectProtocolError(() => new FrameDecoder('full', recorder()).feed(skipped.encode(encryptedPacket(1))), 'FRAMING_SEQNO');
  });

  it('full: impossible lengths are refused', () => {
    expectProtocolError(() => decodeAsClient('full', '0c000000' + '00000000'), 'FRAMING_BAD_LENGTH');
    expectProtocolError(() => decodeAsClient('full', 'ffffff7f' + '00000000'), 'FRAMING_BAD_LENGTH');
    // A server never accepts a bare negative word.
    expectProtocolError(() => new FrameDecoder('full', recorder(), { role: 'server' }).feed(hex('6cfeffff00000000')), 'FRAMING_BAD_LENGTH');
  });

  it('absurd lengths fail before any allocation', () => {
    expectProtocolError(() => decodeAsClient('intermediate', 'ffffff7f'), 'FRAMING_TOO_LONG');
    expectProtocolError(() => decodeAsClient('padded', '01000001'), 'FRAMING_TOO_LONG');
    expectProtocolError(() => decodeAsClient('abridged', '7fffffff'.slice(0, 2) + 'ffff7f'), 'FRAMING_TOO_LONG');
    const small = new FrameDecoder('intermediate', recorder(), { maxPacketLength: 1024 });
    expectProtocolError(() => small.feed(hex('04040000')), 'FRAMING_TOO_LONG');
    // Exactly at the cap is fine.
    new FrameDecoder('intermediate', recorder(), { maxPacketLength: 1024 }).feed(hex('00040000'));
  });

  it('zero-length and sub-control packets are refused', () => {
    expectProtocolError(() => decodeAsClient('intermediate', '00000000'), 'FRAMING_BAD_LENGTH');
    expectProtocolError(() => decodeAsClient('abridged', '00'), 'FRAMING_BAD_LENGTH');
    expectProtocolError(() => decodeAsClient('intermediate', '02000000' + 'aaaa'), 'FRAMING_SHORT_PACKET');
    expectProtocolError(() => decodeAsClient('intermediate', '04000000' + 'ffffffff'), 'FRAMING_SHORT_PACKET');
    expectProtocolError(
      () => new FrameDecoder('intermediate', recorder(), { role: 'server' }).feed(hex('04000000' + '6cfeffff')),
      'FRAMING_SHORT_PACKET',
    );
  });

  it('a failed decoder stays failed and rethrows the same error', () => {
    const decoder = new FrameDecoder('intermediate', recorder());
    let first: unknown;
    try {
      decoder.feed(hex('ffffff7f'));
    } catch (error) {
      first = error;
    }
    expect(decoder.idle).toBe(false);
    expect(() => decoder.feed(hex('04000000' + '6cfeffff'))).toThrow(first as Error);
  });

  it('a throwing sink fails the decoder and the exception propagates', () => {
    const decoder = new FrameDecoder('intermediate', {
      packet: () => {
        throw new Error('handler bug');
      },
      quickAck: () => {},
      transportError: () => {},
    });
    expect(() => decoder.feed(new FrameEncoder('intermediate').encode(encryptedPacket(1)))).toThrow('handler bug');
    expect(() => decoder.feed(new Uint8Array(4))).toThrow('handler bug');
  });
});

describe('encoder input checks', () => {
  it('refuses empty payloads, unaligned abridged payloads and payloads over the cap', () => {
    expectProtocolError(() => new FrameEncoder('intermediate').encode(new Uint8Array(0)), 'FRAMING_PAYLOAD');
    expectProtocolError(() => new FrameEncoder('abridged').encode(new Uint8Array(41)), 'FRAMING_PAYLOAD');
    expectProtocolError(() => new FrameEncoder('full', { maxPacketLength: 64 }).encode(new Uint8Array(68)), 'FRAMING_PAYLOAD');
  });

  it('encodeInto writes at an offset and reports the length; too little room is a RangeError', () => {
    for (const framing of ['abridged', 'intermediate', 'padded', 'full'] as const) {
      const encoder = new FrameEncoder(framing);
      const data = encryptedPacket(2);
      const target = new Uint8Array(10 + encoder.maxEncodedLength(data.length));
      const written = encoder.encodeInto(target, 10, data);
      const sink = recorder();
      new FrameDecoder(framing, sink, { role: 'server' }).feed(target.slice(10, 10 + written));
      expect(sink.events).toEqual([{ type: 'packet', hex: toHex(data), quickAck: false }]);
      expect(() => encoder.encodeInto(new Uint8Array(10), 0, data)).toThrow(RangeError);
    }
  });
});
