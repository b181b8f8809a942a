/**
 * Serializes answers for the API layer a client declared with invokeWithLayer, as Telegram does:
 * every constructor whose definition differs in that layer is written in that layer's form
 * (fields unknown there are dropped, missing plain fields get zero values). Objects not in the
 * history are written by the core codec (layer 223). Clients on 223 never come here.
 */
import { TL_LAYER, writeObject, type TlWriter } from '@x/mtproto-core';
import { LAYER_HISTORY } from './history.js';
import { parseTlLine, type TlDefinition, type TlParam } from './tl-definition.js';

const VECTOR = 0x1cb5c415;

/** name → definitions sorted by layer. */
const parsed = new Map<string, { layer: number; definition: TlDefinition }[]>();
for (const [name, versions] of Object.entries(LAYER_HISTORY)) {
  parsed.set(name, versions.map((version) => ({ layer: version.layer, definition: parseTlLine(version.line) })));
}

/** The definition a client on `layer` expects, or undefined when the core's (223) one applies. */
export function definitionFor(name: string, layer: number): TlDefinition | undefined {
  const versions = parsed.get(name);
  if (versions === undefined || versions.length === 0) return undefined;
  let chosen = versions[0];
  for (const version of versions) if (version.layer <= layer) chosen = version;
  return chosen.definition;
}

/** True when answers for `layer` must go through the layered writer. */
export function needsLayering(layer: number | undefined): layer is number {
  return layer !== undefined && layer !== TL_LAYER;
}

/** Writes a boxed object (or Bool) as a client on `layer` expects it. */
export function writeLayeredObject(writer: TlWriter, value: unknown, layer: number): void {
  if (typeof value === 'boolean') {
    writer.bool(value);
    return;
  }
  const object = value as { _: string } & Record<string, unknown>;
  const definition = definitionFor(object._, layer);
  if (definition === undefined) {
    writeObject(writer, object as never);
    return;
  }
  writer.uint32(definition.id);
  for (const param of definition.params) {
    if (param.type === '#') {
      writer.uint32(flagsValue(definition, param.key, object));
      continue;
    }
    const field = object[param.key];
    if (param.flag !== undefined) {
      if (param.type === 'true' || field === undefined || field === false && param.type !== 'Bool') continue;
      writeValue(writer, param.type, field, layer);
      continue;
    }
    writeValue(writer, param.type, field === undefined ? zeroValue(param, definition) : field, layer);
  }
}

function flagsValue(definition: TlDefinition, field: string, object: Record<string, unknown>): number {
  let flags = 0;
  for (const param of definition.params) {
    if (param.flag?.field !== field) continue;
    const value = object[param.key];
    const present = param.type === 'true' ? value === true : value !== undefined && !(value === false && param.type !== 'Bool');
    if (present) flags |= 1 << param.flag.bit;
  }
  return flags >>> 0;
}

function zeroValue(param: TlParam, definition: TlDefinition): unknown {
  switch (param.type) {
    case 'int':
    case 'double':
      return 0;
    case 'long':
      return 0n;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    case 'Bool':
      return false;
    default:
      if (/^[Vv]ector</.test(param.type)) return [];
      throw new Error(`layered writer: ${definition.name}.${param.key} (${param.type}) has no value`);
  }
}

function writeValue(writer: TlWriter, type: string, value: unknown, layer: number): void {
  switch (type) {
    case 'int':
      writer.int32(value as number);
      return;
    case 'long':
      writer.int64(value as bigint);
      return;
    case 'double':
      writer.double(value as number);
      return;
    case 'string':
      writer.string(value as string);
      return;
    case 'bytes':
      writer.bytes(value as Uint8Array);
      return;
    case 'int128':
      writer.int128(value as Uint8Array);
      return;
    case 'int256':
      writer.int256(value as Uint8Array);
      return;
    case 'Bool':
      writer.bool(value as boolean);
      return;
  }
  const vector = /^([Vv])ector<(.+)>$/.exec(type);
  if (vector) {
    const items = value as unknown[];
    if (vector[1] === 'V') writer.uint32(VECTOR);
    writer.int32(items.length);
    for (const item of items) writeValue(writer, vector[2], item, layer);
    return;
  }
  writeLayeredObject(writer, value, layer);
}
