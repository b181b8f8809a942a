/**
 * The TL layer: typed objects for every constructor and method of layer 223 and the MTProto
 * service schema, and their binary codec.
 */
import { TlReader } from '../binary/reader.js';
import { TlWriter } from '../binary/writer.js';
import { LAYER, RESULT_READERS } from './generated/codec.js';
import { readObject, writeObject } from './runtime.js';
import type { TlMethodName, TlMethodResult, TlObject, TlMethod } from './generated/types.js';

export type * from './generated/types.js';
export { readObject, writeObject } from './runtime.js';

/** The API layer this build speaks (`invokeWithLayer`). */
export const TL_LAYER: number = LAYER;

const GZIP_PACKED = 0x3072cfa1;
const RPC_ERROR = 0x2144ca19;

const scratch = new TlWriter(4096);

/** Serializes a boxed TL object (constructor or method) into a new Uint8Array. */
export function serializeTl(value: TlObject | TlMethod): Uint8Array {
  scratch.reset();
  writeObject(scratch, value);
  return scratch.toBytes();
}

/** Deserializes one boxed TL object; the whole buffer must be consumed. */
export function deserializeTl(data: Uint8Array): TlObject {
  const reader = new TlReader(data);
  const value = readObject(reader);
  if (reader.remaining !== 0) reader.fail(`${reader.remaining} trailing byte(s)`);
  return value;
}

/**
 * Reads an `rpc_result.result` for a call of `method`: the method's declared result type decides how
 * vectors of primitives are read. A `gzip_packed` result is unpacked with `gunzip`; an `rpc_error`
 * is returned as the `rpc_error` object for the caller to turn into an RpcError.
 */
export function readMethodResult<M extends TlMethodName>(
  reader: TlReader,
  method: M | string,
  gunzip?: (packed: Uint8Array) => Uint8Array,
): TlMethodResult<M> | TlObject {
  const id = reader.peekUint32();
  if (id === GZIP_PACKED) {
    if (!gunzip) reader.fail('gzip_packed result but no gunzip function given');
    reader.uint32();
    const unpacked = gunzip(reader.bytesView());
    const inner = new TlReader(unpacked);
    const value = readMethodResult(inner, method, gunzip);
    if (inner.remaining !== 0) inner.fail(`${inner.remaining} trailing byte(s) in gzip_packed result`);
    return value;
  }
  if (id === RPC_ERROR) return readObject(reader);
  const resultReader = RESULT_READERS.get(method) as ((r: TlReader) => unknown) | undefined;
  return (resultReader ? resultReader(reader) : readObject(reader)) as TlMethodResult<M>;
}
