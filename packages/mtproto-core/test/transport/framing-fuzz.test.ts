// Property tests: random garbage only ever yields events or a ProtocolError, and any valid stream
// cut at random points decodes to exactly what was encoded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  FrameEncoder,
  ProtocolError,
  ServerTransportCodec,
  TransportCodec,
  type FramingKind,
} from '../../src/index.js';
import { testCrypto, recorder, toHex, type FrameEvent } from './helpers.js';

const framing = fc.constantFrom<FramingKind>('abridged', 'intermediate', 'padded', 'full');
const chunks = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { maxLength: 30 });

/** Feeds chunks until the first error; returns it (or undefined). */
function feedAll(feed: (chunk: Uint8Array) => void, input: Uint8Array[]): unknown {
  for (const chunk of input) {
    try {
      feed(chunk);
    } catch (error) {
      return error;
    }
  }
  return undefined;
}

describe('random garbage', () => {
  it('a decoder yields only events or a ProtocolError, in either role', () => {
    fc.assert(
      fc.property(framing, fc.constantFrom('client' as const, 'server' as const), chunks, (kind, role, input) => {
        const sink = recorder();
        const decoder = new FrameDecoder(kind, sink, { role, maxPacketLength: 4096 });
        const error = feedAll((c) => decoder.feed(c), input);
        if (error !== undefined) expect(error).toBeInstanceOf(ProtocolError);
        for (const event of sink.events) {
          if (event.type === 'packet') expect(event.hex.length).toBeGreaterThanOrEqual(32);
          if (event.type === 'quickAck') expect(event.token >>> 31).toBe(1);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('an obfuscated client codec and a detecting server codec fail only with ProtocolError', () => {
    fc.assert(
      fc.property(fc.constantFrom<FramingKind>('abridged', 'intermediate', 'padded'), chunks, (kind, input) => {
        const codec = new TransportCodec({ framing: kind, obfuscation: { crypto: testCrypto }, maxPacketLength: 4096 }, recorder());
        const clientError = feedAll((c) => codec.feed(c), input);
        if (clientError !== undefined) expect(clientError).toBeInstanceOf(ProtocolError);
        const server = new ServerTransportCodec({ crypto: testCrypto, maxPacketLength: 4096 }, recorder());
        const serverError = feedAll((c) => server.feed(c), input);
        if (serverError !== undefined) expect(serverError).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('valid streams, random cuts', () => {
  const packetArb = fc
    .record({ blocks: fc.integer({ min: 1, max: 80 }), fill: fc.uint8Array({ minLength: 8, maxLength: 8 }) })
    .map(({ blocks, fill }) => {
      const out = new Uint8Array(24 + 16 * blocks);
      for (let i = 0; i < out.length; i++) out[i] = fill[i % 8] ^ i;
      out[0] |= 1; // encrypted: non-zero auth_key_id
      return out;
    });
  const item = fc.oneof(
    packetArb.map((p) => ({ kind: 'packet' as const, p })),
    fc.constantFrom(-404, -429, -444, -403).map((code) => ({ kind: 'error' as const, code })),
    fc.integer({ min: 0, max: 0x7fffffff }).map((t) => ({ kind: 'ack' as const, token: (t | 0x80000000) >>> 0 })),
  );

  it('server -> client: every event arrives, in order, however the stream is cut', () => {
    fc.assert(
      fc.property(framing, fc.array(item, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 20 }), (kind, items, cutSeeds) => {
        const encoder = new FrameEncoder(kind, { role: 'server' });
        const parts: Uint8Array[] = [];
        const expected: FrameEvent[] = [];
        for (const it of items) {
          if (it.kind === 'packet') {
            parts.push(encoder.encode(it.p));
            expected.push({ type: 'packet', hex: toHex(it.p), quickAck: false });
          } else if (it.kind === 'error') {
            parts.push(encoder.encodeTransportError(it.code));
            expected.push({ type: 'transportError', code: it.code });
          } else if (kind !== 'full') {
            parts.push(encoder.encodeQuickAck(it.token));
            expected.push({ type: 'quickAck', token: it.token });
          }
        }
        const wire = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (wire.set(p, at), at + p.length), 0);
        const cuts = [...new Set(cutSeeds.map((s) => s % (wire.length + 1)))].sort((a, b) => a - b);
        const sink = recorder();
        const decoder = new FrameDecoder(kind, sink);
        let start = 0;
        for (const cut of [...cuts, wire.length]) {
          decoder.feed(wire.slice(start, cut));
          start = cut;
        }
        expect(sink.events).toEqual(expected);
        expect(decoder.idle).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
