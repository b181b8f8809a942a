/**
 * msg_container and its bare `message` entries: `msg_id:long seqno:int bytes:int body`. The body is
 * a length-prefixed serialized object, so the session reads and writes containers with these
 * helpers instead of decoding bodies eagerly.
 */
import type { TlReader } from '../binary/reader.js';
import type { TlWriter } from '../binary/writer.js';

export const MSG_CONTAINER_ID = 0x73f1f8dc;
/** The spec's cap on messages per container. */
export const MAX_CONTAINER_MESSAGES = 1024;

export interface ContainerEntry {
  msgId: bigint;
  seqNo: number;
  /** The serialized body (a view into the reader's buffer). */
  body: Uint8Array;
}

/** Writes a boxed msg_container holding `entries`. */
export function writeContainer(writer: TlWriter, entries: readonly ContainerEntry[]): void {
  writer.uint32(MSG_CONTAINER_ID);
  writer.int32(entries.length);
  for (const entry of entries) {
    writer.int64(entry.msgId);
    writer.int32(entry.seqNo);
    writer.int32(entry.body.length);
    writer.raw(entry.body);
  }
}

/**
 * Reads the entries of a msg_container whose constructor id has already been consumed. Body
 * lengths are checked against the container bounds; nothing is decoded.
 */
export function readContainerEntries(reader: TlReader): ContainerEntry[] {
  const count = reader.int32();
  if (count < 0 || count > MAX_CONTAINER_MESSAGES || count * 16 > reader.remaining) reader.fail(`invalid container size ${count}`);
  const entries: ContainerEntry[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const msgId = reader.int64();
    const seqNo = reader.int32();
    const length = reader.int32();
    if (length < 0 || length % 4 !== 0 || length > reader.remaining) reader.fail(`invalid container message length ${length}`);
    const body = reader.buffer.subarray(reader.position, reader.position + length);
    reader.position += length;
    entries[i] = { msgId, seqNo, body };
  }
  return entries;
}
