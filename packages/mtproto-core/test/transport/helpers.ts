// Test helpers for the transport codecs: hex conversion, an event recorder, crypto providers.
import { defaultCryptoProvider, nodeCryptoProvider } from '../../src/index.node.js';
import { portableCryptoProvider, type FrameSink, type ObfuscationCrypto } from '../../src/index.js';

export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The crypto the transport tests use: the package's default provider on Node. */
export const testCrypto: ObfuscationCrypto = defaultCryptoProvider;

/** Both providers, for the known-answer vectors. */
export const cryptoProviders: Array<[string, ObfuscationCrypto]> = [
  ['node', nodeCryptoProvider],
  ['portable', portableCryptoProvider],
];

export type FrameEvent =
  | { type: 'packet'; hex: string; quickAck: boolean }
  | { type: 'quickAck'; token: number }
  | { type: 'transportError'; code: number };

/** A sink that records every event (packet bytes copied, as hex). */
export function recorder(): FrameSink & { events: FrameEvent[] } {
  const events: FrameEvent[] = [];
  return {
    events,
    packet: (data, quickAck) => events.push({ type: 'packet', hex: toHex(data), quickAck }),
    quickAck: (token) => events.push({ type: 'quickAck', token }),
    transportError: (code) => events.push({ type: 'transportError', code }),
  };
}

/** Deterministic bytes for payloads. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** An encrypted-looking MTProto packet: non-zero auth_key_id, 24-byte header + n*16 bytes. */
export function encryptedPacket(blocks: number, seed = 7): Uint8Array {
  const out = pattern(24 + blocks * 16, seed);
  out[0] |= 1;
  return out;
}

/** An unencrypted MTProto packet: auth_key_id 0, msg_id, length, body of `bodyLength` bytes. */
export function plaintextPacket(bodyLength: number, seed = 3): Uint8Array {
  const out = pattern(20 + bodyLength, seed);
  out.fill(0, 0, 8);
  new DataView(out.buffer).setUint32(16, bodyLength, true);
  return out;
}

/** Splits `bytes` into chunks at the given cut points. */
export function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(start, cut));
    start = cut;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
