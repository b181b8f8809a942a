/**
 * gzip for `gzip_packed` (browser-safe, via `fflate`). Decompression is streamed in small input
 * slices so a gzip bomb is stopped after at most about one slice's worth of output past the cap
 * (deflate expands at most ~1032:1), never materialised whole.
 */
import { Gunzip, gzipSync } from 'fflate';
import { ProtocolError } from '../errors.js';
import { crc32Update } from '../transport/crc32.js';

/** Input slice per push: bounds the output one push can produce to about 1 MiB. */
const INPUT_SLICE = 1024;

export function gzipJs(data: Uint8Array): Uint8Array {
  return gzipSync(data);
}

/**
 * Decompresses a gzip stream, refusing to produce more than `maxOutput` bytes.
 * @throws ProtocolError `GZIP_TOO_LARGE` past the cap, `GZIP_CORRUPT` for invalid or truncated data.
 */
export function gunzipJs(data: Uint8Array, maxOutput: number): Uint8Array {
  checkMaxOutput(maxOutput);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let crc = 0;
  let finished = false;
  const stream = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total > maxOutput) throw gzipTooLarge(maxOutput);
    crc = crc32Update(crc, chunk);
    chunks.push(chunk);
    if (final) finished = true;
  });
  try {
    if (data.length === 0) throw new Error('empty input');
    for (let offset = 0; offset < data.length; offset += INPUT_SLICE) {
      const end = Math.min(offset + INPUT_SLICE, data.length);
      stream.push(data.subarray(offset, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('GZIP_CORRUPT', `gzip data does not decompress: ${(error as Error).message}`, { cause: error });
  }
  if (!finished) throw new ProtocolError('GZIP_CORRUPT', 'gzip data ends before its final block');
  // fflate does not check the trailer; a truncated stream shows up here. (gzip_packed is one member.)
  const trailer = new DataView(data.buffer, data.byteOffset + data.length - 8, 8);
  if (data.length < 18 || trailer.getUint32(0, true) !== crc || trailer.getUint32(4, true) !== total % 2 ** 32) {
    throw new ProtocolError('GZIP_CORRUPT', 'gzip trailer (CRC32 / size) does not match the data');
  }
  return concat(chunks, total);
}

export function checkMaxOutput(maxOutput: number): void {
  if (!Number.isSafeInteger(maxOutput) || maxOutput < 0) throw new RangeError(`maxOutput must be a non-negative integer, got ${maxOutput}`);
}

export function gzipTooLarge(maxOutput: number, cause?: unknown): ProtocolError {
  return new ProtocolError('GZIP_TOO_LARGE', `gzip data decompresses to more than ${maxOutput} bytes`, { cause });
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
