// Protocol notes §10.2: the req_pq_multi of §10.1 in each framing, both directions.
import { describe, expect, it } from 'vitest';
import { crc32, FrameDecoder, FrameEncoder, plainFramingTag } from '../../src/index.js';
import { hex, recorder, toHex } from './helpers.js';

const REQ_PQ_MULTI = '000000000000000060970500EBE5776714000000F18E7EBE79F0AFB50252E5FC96924BFCECDA4F05'.toLowerCase();

describe('framing vectors (§10.2)', () => {
  it('abridged: ef, then 0a + the 40 bytes', () => {
    const encoder = new FrameEncoder('abridged');
    expect(toHex(encoder.tag)).toBe('ef');
    expect(toHex(encoder.encode(hex(REQ_PQ_MULTI)))).toBe('0a' + REQ_PQ_MULTI);
  });

  it('intermediate: eeeeeeee, then 28000000 + the 40 bytes', () => {
    const encoder = new FrameEncoder('intermediate');
    expect(toHex(encoder.tag)).toBe('eeeeeeee');
    expect(toHex(encoder.encode(hex(REQ_PQ_MULTI)))).toBe('28000000' + REQ_PQ_MULTI);
  });

  it('padded intermediate: dddddddd, then length including 0..15 padding bytes', () => {
    expect(toHex(plainFramingTag('padded'))).toBe('dddddddd');
    const encoder = new FrameEncoder('padded', { random: (t) => t.fill(0x07) });
    const framed = encoder.encode(hex(REQ_PQ_MULTI));
    expect(toHex(framed)).toBe('2f000000' + REQ_PQ_MULTI + '07'.repeat(7));
  });

  it('full: 34000000 00000000 + 40 bytes + CRC 6b0cb839 (52 bytes), no tag', () => {
    const encoder = new FrameEncoder('full');
    expect(encoder.tag.length).toBe(0);
    const framed = encoder.encode(hex(REQ_PQ_MULTI));
    expect(framed.length).toBe(52);
    expect(toHex(framed)).toBe('34000000' + '00000000' + REQ_PQ_MULTI + '6b0cb839');
    // The next packet carries seqno 1.
    expect(toHex(encoder.encode(hex(REQ_PQ_MULTI)).subarray(4, 8))).toBe('01000000');
  });

  it('abridged long header: 1024-byte payload -> 7f 00 01 00', () => {
    const framed = new FrameEncoder('abridged').encode(new Uint8Array(1024).fill(1));
    expect(toHex(framed.subarray(0, 4))).toBe('7f000100');
    expect(framed.length).toBe(1028);
  });

  it('abridged header boundary: 504 bytes is short (7e), 508 bytes is long (7f 7f 00 00)', () => {
    expect(new FrameEncoder('abridged').encode(new Uint8Array(504))[0]).toBe(0x7e);
    expect(toHex(new FrameEncoder('abridged').encode(new Uint8Array(508)).subarray(0, 4))).toBe('7f7f0000');
  });

  it('the server reads each vector back as the same packet', () => {
    for (const [framing, wire] of [
      ['abridged', '0a' + REQ_PQ_MULTI],
      ['intermediate', '28000000' + REQ_PQ_MULTI],
      ['full', '3400000000000000' + REQ_PQ_MULTI + '6b0cb839'],
    ] as const) {
      const sink = recorder();
      new FrameDecoder(framing, sink, { role: 'server' }).feed(hex(wire));
      expect(sink.events).toEqual([{ type: 'packet', hex: REQ_PQ_MULTI, quickAck: false }]);
    }
  });

  it('crc32 is the zlib/IEEE CRC', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
