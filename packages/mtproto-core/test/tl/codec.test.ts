import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TlDecodeError } from '../../src/errors.js';
import { TlReader } from '../../src/binary/reader.js';
import { TlWriter } from '../../src/binary/writer.js';
import { deserializeTl, readMethodResult, serializeTl, TL_LAYER } from '../../src/tl/index.js';
import { readContainerEntries, writeContainer } from '../../src/tl/container.js';
import { generateFromSchemaDir, loadSchema } from '../../src/tl/codegen/run.js';
import { makeArbitraries } from './arbitraries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaDir = join(root, 'schema');
const { entries, layer } = loadSchema(schemaDir);
const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g)!.map((b) => parseInt(b, 16)));
const toHex = (u: Uint8Array) => Array.from(u, (b) => b.toString(16).padStart(2, '0')).join('');

describe('schema', () => {
  it('is layer 223 with every API entry', () => {
    expect(layer).toBe(223);
    expect(TL_LAYER).toBe(223);
    expect(entries.filter((e) => e.schema === 'api').length).toBe(2311);
    expect(entries.filter((e) => e.schema === 'api' && e.kind === 'method').length).toBeGreaterThan(700);
  });

  it('generated code matches the committed files (rerun `pnpm generate` after changing schema/)', () => {
    const files = generateFromSchemaDir(schemaDir);
    expect(files.types === readFileSync(join(root, 'src/tl/generated/types.ts'), 'utf8')).toBe(true);
    expect(files.codec === readFileSync(join(root, 'src/tl/generated/codec.ts'), 'utf8')).toBe(true);
  });
});

describe('round trip of every constructor and method', () => {
  const { objectOf } = makeArbitraries(entries);
  const boxed = entries.filter((e) => e.id !== 0 && !['boolTrue', 'boolFalse'].includes(e.name));
  it.each(boxed.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    fc.assert(
      fc.property(objectOf(entry), (value) => {
        const bytes = serializeTl(value as never);
        expect(deserializeTl(bytes)).toEqual(value);
        expect(serializeTl(deserializeTl(bytes))).toEqual(bytes);
      }),
      { numRuns: 8, seed: 223 },
    );
  });
});

describe('known byte layouts (protocol-spec §10)', () => {
  it('req_pq_multi body', () => {
    const nonce = hex('79F0AFB50252E5FC96924BFCECDA4F05');
    expect(toHex(serializeTl({ _: 'req_pq_multi', nonce }))).toBe('f18e7ebe79f0afb50252e5fc96924bfcecda4f05');
  });

  it('p_q_inner_data_dc, 100 bytes', () => {
    const expected =
      '955FF5A908130B7475669FEB8B0000000444095E050000000447A8C84F00000079F0AFB50252E5FC96924BFCECDA4F05801775A3EFBFD2701AA28AD727BE4646264F835B0B7BDFF9C6ED6CF819FD6DF5DCD17E90D67ADD2C2C1E3775C7A6A0AC02000000';
    const value = {
      _: 'p_q_inner_data_dc' as const,
      pq: hex('130B7475669FEB8B'),
      p: hex('44095E05'),
      q: hex('47A8C84F'),
      nonce: hex('79F0AFB50252E5FC96924BFCECDA4F05'),
      serverNonce: hex('801775A3EFBFD2701AA28AD727BE4646'),
      newNonce: hex('264F835B0B7BDFF9C6ED6CF819FD6DF5DCD17E90D67ADD2C2C1E3775C7A6A0AC'),
      dc: 2,
    };
    expect(toHex(serializeTl(value))).toBe(expected.toLowerCase());
    expect(deserializeTl(hex(expected))).toEqual(value);
  });

  it('the §10.5 container: new_session_created + pong', () => {
    const plaintext = hex(
      'fc826a02248b28fd60f2c4822443ad6801f0c1c2918b305e0200000058000000dcf8f1730200000001a8c1c2918b305e010000001c0000000809c29ec4fd33ad918b305e18a88ea607ee5816fc826a02248b28fd01ccc1c2918b305e0200000014000000c5737734c4fd33ad918b305e6408300000000000',
    );
    const reader = new TlReader(plaintext, 36, 32 + 0x58);
    const entriesIn = readContainerEntries(reader);
    expect(entriesIn.map((e) => [e.msgId, e.seqNo])).toEqual([
      [0x5e308b91c2c1a801n, 1],
      [0x5e308b91c2c1cc01n, 2],
    ]);
    expect(deserializeTl(entriesIn[0].body)).toEqual({
      _: 'new_session_created',
      firstMsgId: 0x5e308b91ad33fdc4n,
      uniqueId: 0x1658ee07a68ea818n,
      serverSalt: BigInt.asIntN(64, 0xfd288b24026a82fcn),
    });
    expect(deserializeTl(entriesIn[1].body)).toEqual({ _: 'pong', msgId: 0x5e308b91ad33fdc4n, pingId: 0x300864n });
    const writer = new TlWriter(16);
    writeContainer(writer, entriesIn);
    expect(toHex(writer.result())).toBe(toHex(plaintext.subarray(32, 32 + 0x58)));
  });
});

describe('method results', () => {
  it('reads Vector<long> results by the method type, gzip_packed and rpc_error', () => {
    const w = new TlWriter();
    w.uint32(0x1cb5c415);
    w.int32(2);
    w.int64(5n);
    w.int64(-7n);
    expect(readMethodResult(new TlReader(w.toBytes()), 'photos.deletePhotos')).toEqual([5n, -7n]);
    const err = serializeTl({ _: 'rpc_error', errorCode: 420, errorMessage: 'FLOOD_WAIT_3' });
    expect(readMethodResult(new TlReader(err), 'help.getConfig')).toEqual({ _: 'rpc_error', errorCode: 420, errorMessage: 'FLOOD_WAIT_3' });
    const packed = serializeTl({ _: 'gzip_packed', packedData: serializeTl({ _: 'boolTrue' } as never) });
    // The "gunzip" here is the identity: the framing is what is under test.
    expect(readMethodResult(new TlReader(packed), 'auth.logOut' as never, (b) => b)).toBe(true);
  });
});

describe('bad input', () => {
  const sample = serializeTl({
    _: 'messages.sendMessage',
    peer: { _: 'inputPeerUser', userId: 42n, accessHash: -1n },
    message: 'hello, world',
    randomId: 123456789n,
    silent: true,
    entities: [{ _: 'messageEntityBold', offset: 0, length: 5 }],
  });

  it('every truncation throws TlDecodeError', () => {
    for (let cut = 0; cut < sample.length; cut++) {
      expect(() => deserializeTl(sample.subarray(0, cut))).toThrow(TlDecodeError);
    }
  });

  it('unknown constructor ids name the id and offset', () => {
    const bad = Uint8Array.from([0xde, 0xad, 0xbe, 0xef]);
    expect(() => deserializeTl(bad)).toThrow(/constructor 0xefbeadde\) at offset 0/);
  });

  it('absurd lengths and vector counts are rejected', () => {
    const w = new TlWriter();
    w.uint32(0x1cb5c415);
    w.int32(0x7fffffff);
    expect(() => deserializeTl(w.toBytes())).toThrow(TlDecodeError);
    expect(() => new TlReader(Uint8Array.from([254, 0xff, 0xff, 0x7f])).bytes()).toThrow(TlDecodeError);
  });

  it('random bytes only ever decode or throw TlDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.integer({ min: 0, max: sample.length }), (noise, at) => {
        const mutated = sample.slice();
        mutated.set(noise.subarray(0, mutated.length - at), at);
        try {
          deserializeTl(mutated);
        } catch (error) {
          expect(error).toBeInstanceOf(TlDecodeError);
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('writing a malformed object gives a clear TypeError', () => {
    expect(() => serializeTl({ _: 'inputPeerUser', userId: 1, accessHash: 2n } as never)).toThrow(/expected long/);
    expect(() => serializeTl({ _: 'nope' } as never)).toThrow(/unknown TL object 'nope'/);
  });
});

describe('nesting', () => {
  it('rejects hostile nesting with TlDecodeError instead of overflowing the stack', () => {
    // jsonArray#f7444763 value:Vector<JSONValue>, nested 10,000 deep.
    const w = new TlWriter();
    for (let i = 0; i < 10_000; i++) {
      w.uint32(0xf7444763);
      w.uint32(0x1cb5c415);
      w.int32(1);
    }
    w.uint32(0x3f6d7b68); // jsonNull
    expect(() => deserializeTl(w.toBytes())).toThrow(/nested deeper/);
  });
});
