// TL suite (issue 2, "TL:" bullet): encodes/s and decodes/s of a typical `message` object and of a
// small `messages.sendMessage` method on one core, with a fresh serializeTl (allocates) and with a
// reused TlWriter (reset per message), plus the size of the generated code that ships.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { TlReader, TlWriter, deserializeTl, readObject, serializeTl, writeObject } from '@x/mtproto-core';

/** throughput() reports bytes·calls per µs of CPU; with 10^6 "bytes" per call that is calls/s. */
const PER_CALL = 1e6;
const dist = join(dirname(fileURLToPath(import.meta.url)), '../../packages/mtproto-core/dist');

const text = 'See you at the station at 6, bring the tickets pls'; // 50 chars
const message = {
  _: 'message',
  out: true,
  id: 48213,
  fromId: { _: 'peerUser', userId: 777000123n },
  peerId: { _: 'peerUser', userId: 555000321n },
  date: 1764064800,
  message: text,
  entities: [{ _: 'messageEntityBold', offset: 0, length: 7 }],
};
const sendMessage = {
  _: 'messages.sendMessage',
  peer: { _: 'inputPeerUser', userId: 555000321n, accessHash: 0x1234567890abcdefn },
  message: text,
  randomId: 0x0fedcba987654321n,
};

export async function run(ctx) {
  const { throughput, log } = ctx;
  const writer = new TlWriter();
  const cases = [];
  for (const [label, obj] of [['message', message], ['sendMessage', sendMessage]]) {
    const bytes = Uint8Array.from(serializeTl(obj));
    const back = deserializeTl(bytes);
    if (back._ !== obj._ || back.message !== text) throw new Error(`${label} round trip mismatch`);
    log(`${label}: ${bytes.length} B serialized`);
    cases.push(
      { name: `${label} encode serializeTl`, bytes: PER_CALL, fn: () => serializeTl(obj) },
      { name: `${label} encode reused TlWriter`, bytes: PER_CALL, fn: () => (writer.reset(), writeObject(writer, obj), writer.result()) },
      { name: `${label} decode deserializeTl`, bytes: PER_CALL, fn: () => deserializeTl(bytes) },
      { name: `${label} decode TlReader`, bytes: PER_CALL, fn: () => readObject(new TlReader(bytes)) },
    );
  }
  const figures = throughput(cases, { rounds: 7, ms: 150 }).map((f) => ({ ...f, unit: 'obj/s' }));
  for (const [name, path] of [
    ['generated codec.js', join(dist, 'tl/generated/codec.js')],
    ['generated types.d.ts', join(dist, 'tl/generated/types.d.ts')],
  ]) figures.push(...sizeFigures(name, [path]));
  figures.push(...sizeFigures('mtproto-core dist (no .map)', listFiles(dist).filter((f) => !f.endsWith('.map'))));
  return figures;
}

function sizeFigures(name, files) {
  let raw = 0;
  let gz = 0;
  for (const file of files) {
    const data = readFileSync(file);
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  const one = (label, value) => ({ name: `${name} ${label}`, unit: 'bytes', median: value, min: value, max: value, runs: 1, note: `${files.length} file(s)` });
  return [one('raw', raw), one('gzip', gz)];
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
