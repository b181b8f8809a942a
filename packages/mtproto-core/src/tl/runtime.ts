/**
 * The runtime the generated codec calls: boxed object dispatch by constructor id / name, vectors,
 * and item readers/writers for primitives. Kept tiny and monomorphic for speed.
 */
import { setBoxedObjectReader, type TlReader } from '../binary/reader.js';
import { setBoxedObjectWriter, type TlWriter } from '../binary/writer.js';
import { READERS, WRITERS } from './generated/codec.js';

const VECTOR_ID = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

type Reader = (r: TlReader) => any;
type Writer = (w: TlWriter, value: any) => void;

/** Deeper nesting than any real object has: hostile input must not overflow the stack. */
const MAX_DEPTH = 64;
let depth = 0;

/** Reads a boxed object: constructor id, then its fields. Bool and untyped vectors are handled too. */
export function readObject(r: TlReader): any {
  if (depth >= MAX_DEPTH) r.fail(`objects nested deeper than ${MAX_DEPTH}`);
  depth++;
  try {
    return readBoxed(r);
  } finally {
    depth--;
  }
}

function readBoxed(r: TlReader): any {
  const start = r.position;
  const id = r.uint32();
  if (id === BOOL_TRUE) return true;
  if (id === BOOL_FALSE) return false;
  const reader = READERS.get(id) as Reader | undefined;
  if (reader) {
    const outer = r.currentId;
    r.currentId = id;
    const value = reader(r);
    r.currentId = outer;
    return value;
  }
  if (id === VECTOR_ID) {
    // A vector whose item type is unknown here: its items must be boxed objects.
    r.position = start;
    return readVector(r, readObject, 4);
  }
  r.position = start;
  r.currentId = id;
  return r.fail('unknown constructor id');
}

/** Writes a boxed object (`{ _: name, ... }`), or a boolean as Bool. */
export function writeObject(w: TlWriter, value: any): void {
  if (typeof value === 'boolean') {
    w.bool(value);
    return;
  }
  const entry = value == null ? undefined : (WRITERS.get(value._) as [number, Writer] | undefined);
  if (!entry) throw new TypeError(`cannot serialize ${value == null ? String(value) : `unknown TL object '${value._}'`}`);
  w.uint32(entry[0]);
  entry[1](w, value);
}

export function readVector(r: TlReader, item: Reader, minItemSize: number): any[] {
  const id = r.uint32();
  if (id !== VECTOR_ID) {
    r.position -= 4;
    r.fail(`expected vector, got constructor 0x${id.toString(16)}`);
  }
  return readBareVector(r, item, minItemSize);
}

export function readBareVector(r: TlReader, item: Reader, minItemSize: number): any[] {
  const count = r.vectorLength(minItemSize);
  const out = new Array(count);
  for (let i = 0; i < count; i++) out[i] = item(r);
  return out;
}

export function writeVector(w: TlWriter, values: any[], item: Writer): void {
  w.uint32(VECTOR_ID);
  writeBareVector(w, values, item);
}

export function writeBareVector(w: TlWriter, values: any[], item: Writer): void {
  if (!Array.isArray(values)) throw new TypeError(`expected an array, got ${typeof values}`);
  w.int32(values.length);
  for (let i = 0; i < values.length; i++) item(w, values[i]);
}

export const rInt = (r: TlReader) => r.int32();
export const rLong = (r: TlReader) => r.int64();
export const rDouble = (r: TlReader) => r.double();
export const rInt128 = (r: TlReader) => r.int128();
export const rInt256 = (r: TlReader) => r.int256();
export const rString = (r: TlReader) => r.string();
export const rBytes = (r: TlReader) => r.bytes();
export const rBool = (r: TlReader) => r.bool();

export const wInt = (w: TlWriter, v: number) => {
  if (typeof v !== 'number') throw new TypeError(`expected int, got ${typeof v}`);
  w.int32(v);
};
export const wLong = (w: TlWriter, v: bigint) => {
  if (typeof v !== 'bigint') throw new TypeError(`expected long (bigint), got ${typeof v}`);
  w.int64(v);
};
export const wDouble = (w: TlWriter, v: number) => w.double(v);
export const wInt128 = (w: TlWriter, v: Uint8Array) => w.int128(v);
export const wInt256 = (w: TlWriter, v: Uint8Array) => w.int256(v);
export const wString = (w: TlWriter, v: string) => w.string(v);
export const wBytes = (w: TlWriter, v: Uint8Array) => w.bytes(v);
export const wBool = (w: TlWriter, v: boolean) => w.bool(v);

setBoxedObjectReader(readObject);
setBoxedObjectWriter(writeObject);
