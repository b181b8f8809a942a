/**
 * Reads requests written in any API layer the history knows: a constructor id from an older (or
 * newer) layer is decoded with that layer's definition into the usual object model (fields the
 * layer lacks stay undefined). Ids not in the history go to the core codec (layer 223).
 */
import { readObject, TlReader } from '@x/mtproto-core';
import { LAYER_HISTORY } from './history.js';
import { parseTlLine, type TlDefinition } from './tl-definition.js';

const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

const byId = new Map<number, TlDefinition>();
for (const versions of Object.values(LAYER_HISTORY)) {
  for (const version of versions) {
    const definition = parseTlLine(version.line);
    byId.set(definition.id, definition);
  }
}

/** One boxed object (or Bool), whatever layer it was written in. */
export function readLayeredObject(reader: TlReader): unknown {
  const id = reader.peekUint32();
  if (id === BOOL_TRUE || id === BOOL_FALSE) {
    reader.uint32();
    return id === BOOL_TRUE;
  }
  const definition = byId.get(id);
  if (definition === undefined) return readObject(reader);
  reader.uint32();
  const outer = reader.currentId;
  reader.currentId = id;
  const object: Record<string, unknown> = { _: definition.name };
  const flags = new Map<string, number>();
  for (const param of definition.params) {
    if (param.type === '#') {
      flags.set(param.key, reader.uint32());
      continue;
    }
    if (param.flag !== undefined) {
      const set = ((flags.get(param.flag.field) ?? 0) & (1 << param.flag.bit)) !== 0;
      if (param.type === 'true') {
        object[param.key] = set;
        continue;
      }
      if (!set) continue;
    }
    object[param.key] = readValue(reader, param.type);
  }
  reader.currentId = outer;
  return object;
}

function readValue(reader: TlReader, type: string): unknown {
  switch (type) {
    case 'int':
      return reader.int32();
    case 'long':
      return reader.int64();
    case 'double':
      return reader.double();
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'int128':
      return reader.int128();
    case 'int256':
      return reader.int256();
    case 'Bool':
      return reader.bool();
  }
  const vector = /^([Vv])ector<(.+)>$/.exec(type);
  if (vector) {
    if (vector[1] === 'V') {
      const id = reader.uint32();
      if (id !== VECTOR) reader.fail(`expected vector, got constructor 0x${id.toString(16)}`);
    }
    const primitive = ['int', 'long', 'double', 'string', 'bytes', 'int128', 'int256', 'Bool'].includes(vector[2]);
    const count = reader.vectorLength(primitive && vector[2] !== 'string' && vector[2] !== 'bytes' ? 4 : 4);
    const items: unknown[] = new Array(count);
    for (let i = 0; i < count; i++) items[i] = readValue(reader, vector[2]);
    return items;
  }
  return readLayeredObject(reader);
}
