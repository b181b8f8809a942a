// Incremental decoding: the same stream cut at every point, one byte at a time, or in one piece
// yields the same events, in both directions and every framing.
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameEncoder, type FramingKind } from '../../src/index.js';
import { concatBytes, encryptedPacket, plaintextPacket, recorder, splitAt, toHex, type FrameEvent } from './helpers.js';

const FRAMINGS: FramingKind[] = ['abridged', 'intermediate', 'padded', 'full'];
const TRANSPORT_CODES = [-404, -429, -444, -403];

/** A server→client stream with packets of several sizes, quick acks and every transport error. */
function serverStream(framing: FramingKind): { wire: Uint8Array; expected: FrameEvent[] } {
  const encoder = new FrameEncoder(framing, { role: 'server' });
  const parts: Uint8Array[] = [];
  const expected: FrameEvent[] = [];
  const packet = (data: Uint8Array) => {
    parts.push(encoder.encode(data));
    expected.push({ type: 'packet', hex: toHex(data), quickAck: false });
  };
  packet(plaintextPacket(84));
  packet(encryptedPacket(1));
  if (framing !== 'full') {
    parts.push(encoder.encodeQuickAck(0x8badf00d));
    expected.push({ type: 'quickAck', token: 0x8badf00d });
  }
  packet(encryptedPacket(40)); // 664 bytes: abridged long header
  for (const code of TRANSPORT_CODES) {
    parts.push(encoder.encodeTransportError(code));
    expected.push({ type: 'transportError', code });
  }
  parts.push(encoder.encodeTransportError(0)); // a no-op control packet: no event
  packet(encryptedPacket(2, 99));
  return { wire: concatBytes(parts), expected };
}

/** A client→server stream, some packets asking for quick acks. */
function clientStream(framing: FramingKind): { wire: Uint8Array; expected: FrameEvent[] } {
  const encoder = new FrameEncoder(framing);
  const parts: Uint8Array[] = [];
  const expected: FrameEvent[] = [];
  const packets = [plaintextPacket(40), encryptedPacket(3), encryptedPacket(33), encryptedPacket(1, 5)];
  packets.forEach((data, index) => {
    const quickAck = index % 2 === 1;
    parts.push(encoder.encode(data, { quickAck }));
    expected.push({ type: 'packet', hex: toHex(data), quickAck: quickAck && framing !== 'full' });
  });
  return { wire: concatBytes(parts), expected };
}

function decode(framing: FramingKind, role: 'client' | 'server', chunks: Uint8Array[]): FrameEvent[] {
  const sink = recorder();
  const decoder = new FrameDecoder(framing, sink, { role });
  for (const chunk of chunks) decoder.feed(chunk);
  expect(decoder.idle).toBe(true);
  return sink.events;
}

describe.each(FRAMINGS)('%s framing chunking', (framing) => {
  for (const [role, build] of [
    ['client', serverStream],
    ['server', clientStream],
  ] as const) {
    describe(`decoding as ${role}`, () => {
      const { wire, expected } = build(framing);

      it('one chunk holding every packet', () => {
        expect(decode(framing, role, [wire.slice()])).toEqual(expected);
      });

      it('one byte at a time', () => {
        expect(decode(framing, role, splitAt(wire, Array.from({ length: wire.length - 1 }, (_, i) => i + 1)))).toEqual(expected);
      });

      it('split at every point', () => {
        for (let cut = 0; cut <= wire.length; cut++) {
          expect(decode(framing, role, splitAt(wire, [cut]))).toEqual(expected);
        }
      });

      it('split at every pair of points near packet boundaries', () => {
        // Three-chunk splits around the first 40 bytes exercise headers split across 3 chunks.
        for (let a = 0; a < 40; a++) {
          for (let b = a; b < 48; b++) expect(decode(framing, role, splitAt(wire, [a, b]))).toEqual(expected);
        }
      });

      it('random chunk sizes', () => {
        let seed = 12345;
        for (let round = 0; round < 50; round++) {
          const cuts: number[] = [];
          for (let at = 0; ; ) {
            seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
            at += 1 + (seed % 97);
            if (at >= wire.length) break;
            cuts.push(at);
          }
          expect(decode(framing, role, splitAt(wire, cuts))).toEqual(expected);
        }
      });
    });
  }
});

describe('packet views and ownership', () => {
  it('a packet inside one chunk is a view of that chunk; a split packet is a fresh array', () => {
    const encoder = new FrameEncoder('intermediate', { role: 'server' });
    const data = encryptedPacket(2);
    const wire = concatBytes([encoder.encode(data), encoder.encode(data)]);
    const seen: Uint8Array[] = [];
    const decoder = new FrameDecoder('intermediate', {
      packet: (packet) => seen.push(packet),
      quickAck: () => {},
      transportError: () => {},
    });
    const cut = wire.length / 2 + 10;
    const first = wire.slice(0, cut);
    decoder.feed(first);
    decoder.feed(wire.slice(cut));
    expect(seen).toHaveLength(2);
    expect(seen[0].buffer).toBe(first.buffer);
    expect(seen[1].buffer).not.toBe(first.buffer);
    expect(toHex(seen[1])).toBe(toHex(data));
  });
});
