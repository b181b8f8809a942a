/**
 * Transport obfuscation "obfuscated2" (protocol notes §3): the 64-byte init block, the two
 * AES-256-CTR streams derived from it, and the server's view of the same init.
 *
 *   init[0..8]   random, with forbidden prefixes (§3.2)
 *   init[8..40]  client→server key     init[40..56] client→server IV
 *   init[56..60] framing tag           init[60..62] DC id, int16 LE (optional)    init[62..64] random
 *
 * Bytes 0..55 travel in clear, 56..63 encrypted with the first 64 keystream bytes of the client's
 * send stream. Server→client keys come from the byte-reversed init. With an MTProxy secret each
 * key becomes SHA256(key ‖ secret).
 */
import type { AesCtrStream, CryptoProvider } from '../crypto/provider.js';
import { ProtocolError } from '../errors.js';
import { OBFUSCATED_TAGS, type FramingKind, type RandomFill } from './framing.js';

/** The crypto primitives obfuscation needs (any `CryptoProvider` fits). */
export type ObfuscationCrypto = Pick<CryptoProvider, 'createAesCtr' | 'sha256' | 'randomFill'>;

export type ObfuscatedFraming = Exclude<FramingKind, 'full'>;

export const OBFUSCATED_INIT_LENGTH = 64;

export interface ObfuscatedInitOptions {
  /** The framing used inside the obfuscated stream (Full cannot be obfuscated: it has no tag). */
  framing: ObfuscatedFraming;
  crypto: ObfuscationCrypto;
  /** The int16 written at init[60..62] (see `obfuscatedDcId`); left random when undefined. */
  dcId?: number;
  /** 16-byte MTProxy key (see `parseProxySecret`). */
  secret?: Uint8Array;
  /** Random source for the init block; default `crypto.randomFill`. Tests use it for vectors. */
  random?: RandomFill;
}

export interface ObfuscatedInit {
  /** The 64 bytes to send first, exactly as they go on the wire. */
  init: Uint8Array;
  /** Client→server stream, already advanced past the init. Encrypts everything sent after it. */
  encryptor: AesCtrStream;
  /** Server→client stream: decrypts everything received. */
  decryptor: AesCtrStream;
}

/** Builds a client init block and its two CTR streams. */
export function createObfuscatedInit(options: ObfuscatedInitOptions): ObfuscatedInit {
  const { crypto, framing, dcId, secret } = options;
  const random = options.random ?? ((target: Uint8Array) => crypto.randomFill(target));
  checkSecret(secret);
  const init = new Uint8Array(OBFUSCATED_INIT_LENGTH);
  const view = new DataView(init.buffer);
  do random(init);
  while (isForbiddenInitPrefix(init));
  view.setUint32(56, OBFUSCATED_TAGS[framing], true);
  if (dcId !== undefined) {
    if (!Number.isInteger(dcId) || dcId < -0x8000 || dcId > 0x7fff) {
      throw new RangeError(`obfuscated init: DC id ${dcId} does not fit an int16`);
    }
    view.setInt16(60, dcId, true);
  }

  const keys = deriveKeys(init, secret, crypto);
  const encryptor = crypto.createAesCtr(keys.forwardKey, keys.forwardIv);
  const decryptor = crypto.createAesCtr(keys.backwardKey, keys.backwardIv);
  // Encrypt a copy of the whole block and splice its last 8 bytes over the clear init: this is
  // what hides the tag and DC id, and it moves the send keystream to byte 64.
  const encrypted = encryptor.process(init.slice());
  init.set(encrypted.subarray(56, 64), 56);
  return { init, encryptor, decryptor };
}

export interface ParsedObfuscatedInit {
  framing: ObfuscatedFraming;
  /** The int16 at init[60..62]: e.g. 2, -4 (media), 10002 (test). Random if the client left it so. */
  dcId: number;
  /** Client→server stream, already advanced past the init: decrypts what the client sends next. */
  decryptor: AesCtrStream;
  /** Server→client stream: encrypts everything the server sends. */
  encryptor: AesCtrStream;
}

/**
 * Server side: derives both streams from a received 64-byte init (`init` is not modified) and
 * reads the framing tag and DC id. Throws ProtocolError when the tag is not one of the three —
 * the usual symptom of a wrong MTProxy secret or a client that is not obfuscating.
 */
export function parseObfuscatedInit(
  init: Uint8Array,
  options: { crypto: ObfuscationCrypto; secret?: Uint8Array },
): ParsedObfuscatedInit {
  if (init.length < OBFUSCATED_INIT_LENGTH) {
    throw new ProtocolError('OBFUSCATION_INIT', `obfuscated init needs 64 bytes, got ${init.length}`);
  }
  checkSecret(options.secret);
  const header = init.slice(0, OBFUSCATED_INIT_LENGTH);
  const keys = deriveKeys(header, options.secret, options.crypto);
  const decryptor = options.crypto.createAesCtr(keys.forwardKey, keys.forwardIv);
  const encryptor = options.crypto.createAesCtr(keys.backwardKey, keys.backwardIv);
  const clear = decryptor.process(header);
  const view = new DataView(clear.buffer, clear.byteOffset, clear.byteLength);
  const tag = view.getUint32(56, true);
  const framing = (Object.keys(OBFUSCATED_TAGS) as ObfuscatedFraming[]).find((kind) => OBFUSCATED_TAGS[kind] === tag);
  if (framing === undefined) {
    throw new ProtocolError(
      'OBFUSCATION_BAD_TAG',
      `obfuscated init: unknown framing tag 0x${tag.toString(16).padStart(8, '0')} (wrong secret?)`,
    );
  }
  return { framing, dcId: view.getInt16(60, true), decryptor, encryptor };
}

/**
 * The DC id as written at init[60..62]: +10000 for test DCs, negated for media-only DCs (§3.5).
 */
export function obfuscatedDcId(target: { dcId: number; test?: boolean; media?: boolean }): number {
  const id = target.test ? 10000 + target.dcId : target.dcId;
  return target.media ? -id : id;
}

/**
 * True when the first 8 bytes could be mistaken for another protocol (§3.2): the abridged tag,
 * HTTP verbs, a TLS record, the intermediate/padded tags, or a Full packet with seqno 0.
 */
export function isForbiddenInitPrefix(init: Uint8Array): boolean {
  if (init[0] === 0xef) return true;
  const view = new DataView(init.buffer, init.byteOffset, 8);
  const first = view.getUint32(0, true);
  return (
    first === 0x44414548 || // HEAD
    first === 0x54534f50 || // POST
    first === 0x20544547 || // GET
    first === 0x4954504f || // OPTI
    first === 0x02010316 || // TLS handshake record
    first === 0xdddddddd ||
    first === 0xeeeeeeee ||
    view.getUint32(4, true) === 0
  );
}

interface DerivedKeys {
  forwardKey: Uint8Array;
  forwardIv: Uint8Array;
  backwardKey: Uint8Array;
  backwardIv: Uint8Array;
}

function deriveKeys(init: Uint8Array, secret: Uint8Array | undefined, crypto: ObfuscationCrypto): DerivedKeys {
  const reversed = init.slice(8, 56).reverse();
  let forwardKey: Uint8Array = init.slice(8, 40);
  let backwardKey: Uint8Array = reversed.slice(0, 32);
  if (secret !== undefined) {
    forwardKey = crypto.sha256(forwardKey, secret);
    backwardKey = crypto.sha256(backwardKey, secret);
  }
  return { forwardKey, forwardIv: init.slice(40, 56), backwardKey, backwardIv: reversed.slice(32, 48) };
}

function checkSecret(secret: Uint8Array | undefined): void {
  if (secret !== undefined && secret.length !== 16) {
    throw new RangeError(`obfuscation secret must be 16 bytes, got ${secret.length} (use parseProxySecret)`);
  }
}
