// The combined client codec against the server codec: every framing, plain and obfuscated,
// through framing detection exactly as a server sees a new connection.
import { describe, expect, it } from 'vitest';
import {
  detectTransportFraming,
  ProtocolError,
  ServerTransportCodec,
  TransportCodec,
  type FramingKind,
} from '../../src/index.js';
import { concatBytes, encryptedPacket, hex, testCrypto, plaintextPacket, recorder, splitAt, toHex } from './helpers.js';

describe('detectTransportFraming', () => {
  it('recognises each plain tag, Full, obfuscation, HTTP and TLS', () => {
    expect(detectTransportFraming(new Uint8Array(0))).toBe('need-more');
    expect(detectTransportFraming(hex('ef'))).toBe('abridged');
    expect(detectTransportFraming(hex('eeeeee'))).toBe('need-more');
    expect(detectTransportFraming(hex('eeeeeeee'))).toBe('intermediate');
    expect(detectTransportFraming(hex('dddddddd'))).toBe('padded');
    expect(detectTransportFraming(hex('34000000'))).toBe('need-more');
    expect(detectTransportFraming(hex('3400000000000000'))).toBe('full');
    expect(detectTransportFraming(hex('3400000001000000'))).toBe('obfuscated');
    for (const text of ['POST /api', 'GET /', 'HEAD /', 'OPTIONS /']) {
      expect(detectTransportFraming(new TextEncoder().encode(text))).toBe('unsupported');
    }
    expect(detectTransportFraming(hex('160301020001'))).toBe('unsupported');
  });
});

type Case = { framing: FramingKind; obfuscated: boolean };
const CASES: Case[] = [
  ...(['abridged', 'intermediate', 'padded', 'full'] as const).map((framing) => ({ framing, obfuscated: false })),
  ...(['abridged', 'intermediate', 'padded'] as const).map((framing) => ({ framing, obfuscated: true })),
];

describe.each(CASES)('client codec <-> server codec: $framing, obfuscated=$obfuscated', ({ framing, obfuscated }) => {
  const secret = hex('8a96ef6e42a18c21837580cd1c91c5a8');

  function pair(withSecret = false) {
    const clientSink = recorder();
    const serverSink = recorder();
    const client = new TransportCodec(
      {
        framing,
        obfuscation: obfuscated ? { crypto: testCrypto, dcId: 10002, secret: withSecret ? secret : undefined } : undefined,
      },
      clientSink,
    );
    const server = new ServerTransportCodec({ crypto: testCrypto, secret: withSecret ? secret : undefined }, serverSink);
    return { client, server, clientSink, serverSink };
  }

  it('preamble, packets both ways, quick acks and transport errors', () => {
    const { client, server, clientSink, serverSink } = pair();
    expect(client.preamble.length).toBe(obfuscated ? 64 : { abridged: 1, intermediate: 4, padded: 4, full: 0 }[framing]);
    const up = [plaintextPacket(40), encryptedPacket(3), encryptedPacket(70)];
    const wire = concatBytes([client.preamble, ...up.map((p, i) => client.encode(p, { quickAck: i === 1 }))]);
    // Byte by byte for the first 80 bytes (the init/tag and first header), then the rest.
    for (const chunk of splitAt(wire, [...Array.from({ length: 80 }, (_, i) => i + 1)])) server.feed(chunk);
    expect(server.info).toEqual({ framing, obfuscated, ...(obfuscated ? { dcId: 10002 } : {}) });
    expect(serverSink.events).toEqual(
      up.map((p, i) => ({ type: 'packet', hex: toHex(p), quickAck: i === 1 && framing !== 'full' })),
    );

    const down = concatBytes([
      server.encode(encryptedPacket(5)),
      ...(framing === 'full' ? [] : [server.encodeQuickAck(0x80000123)]),
      server.encodeTransportError(-429),
    ]);
    client.feed(down);
    expect(clientSink.events).toEqual([
      { type: 'packet', hex: toHex(encryptedPacket(5)), quickAck: false },
      ...(framing === 'full' ? [] : [{ type: 'quickAck', token: 0x80000123 }]),
      { type: 'transportError', code: -429 },
    ]);
  });

  if (obfuscated) {
    it('with an MTProxy secret; a server with another secret refuses the stream', () => {
      const { client, server, serverSink } = pair(true);
      server.feed(concatBytes([client.preamble, client.encode(encryptedPacket(1))]));
      expect(serverSink.events).toHaveLength(1);

      const other = new ServerTransportCodec({ crypto: testCrypto, secret: new Uint8Array(16) }, recorder());
      const again = pair(true).client;
      expect(() => other.feed(again.preamble)).toThrow(ProtocolError);
    });

    it('the obfuscated stream never shows the plain framing', () => {
      const { client } = pair();
      const data = new Uint8Array(400);
      const framed = client.encode(data);
      expect(toHex(framed)).not.toContain('00'.repeat(16));
    });
  } else {
    it('a server that requires obfuscation refuses a plain stream', () => {
      const { client } = pair();
      const strict = new ServerTransportCodec({ crypto: testCrypto, requireObfuscation: true }, recorder());
      const wire = concatBytes([client.preamble, client.encode(encryptedPacket(1))]);
      expect(() => strict.feed(wire)).toThrow(ProtocolError);
      // It stays failed.
      expect(() => strict.feed(new Uint8Array(1))).toThrow(ProtocolError);
    });
  }
});

describe('TransportCodec', () => {
  it('cannot obfuscate the Full framing', () => {
    expect(() => new TransportCodec({ framing: 'full', obfuscation: { crypto: testCrypto } }, recorder())).toThrow(RangeError);
  });

  it('each codec uses a fresh init', () => {
    const a = new TransportCodec({ framing: 'intermediate', obfuscation: { crypto: testCrypto } }, recorder());
    const b = new TransportCodec({ framing: 'intermediate', obfuscation: { crypto: testCrypto } }, recorder());
    expect(toHex(a.preamble)).not.toBe(toHex(b.preamble));
  });

  it('a server refuses HTTP and obfuscation without a crypto provider', () => {
    expect(() => new ServerTransportCodec({}, recorder()).feed(new TextEncoder().encode('POST /api HTTP/1.1'))).toThrow(ProtocolError);
    const client = new TransportCodec({ framing: 'abridged', obfuscation: { crypto: testCrypto } }, recorder());
    expect(() => new ServerTransportCodec({}, recorder()).feed(client.preamble)).toThrow(ProtocolError);
  });

  it('server encode before the first client bytes is a usage error', () => {
    expect(() => new ServerTransportCodec({}, recorder()).encode(encryptedPacket(1))).toThrow(/first bytes/);
  });
});
