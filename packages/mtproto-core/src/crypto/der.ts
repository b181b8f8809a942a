/**
 * Just enough DER to read an RSA public key: PKCS#1 `RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }`
 * or SPKI `SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { RSAPublicKey } }`.
 */
import { bytesToBigInt } from './bigint.js';

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OBJECT_ID = 0x06;
/** 1.2.840.113549.1.1.1 */
const RSA_ENCRYPTION_OID = '2a864886f70d010101';

class DerReader {
  constructor(private readonly bytes: Uint8Array, private offset = 0, private readonly end = bytes.length) {}

  get done(): boolean {
    return this.offset >= this.end;
  }

  /** Reads one element with the expected tag and returns its contents. */
  read(tag: number): Uint8Array {
    const actual = this.byte();
    if (actual !== tag) throw new TypeError(`bad DER: tag 0x${actual.toString(16)} where 0x${tag.toString(16)} was expected`);
    let length = this.byte();
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3) throw new TypeError('bad DER: unsupported length encoding');
      length = 0;
      for (let i = 0; i < count; i++) length = (length << 8) | this.byte();
    }
    if (this.offset + length > this.end) throw new TypeError('bad DER: element runs past its container');
    const contents = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return contents;
  }

  private byte(): number {
    if (this.offset >= this.end) throw new TypeError('bad DER: truncated');
    return this.bytes[this.offset++];
  }
}

export function readRsaPublicKeyDer(der: Uint8Array): { n: bigint; e: bigint } {
  let body = new DerReader(der).read(SEQUENCE);
  const first = new DerReader(body);
  if (body[0] === SEQUENCE) {
    // SPKI: check the algorithm, then unwrap the BIT STRING (first byte = unused bits, must be 0).
    const algorithm = new DerReader(first.read(SEQUENCE));
    const oid = hex(algorithm.read(OBJECT_ID));
    if (oid !== RSA_ENCRYPTION_OID) throw new TypeError(`not an RSA key (algorithm OID ${oid})`);
    const bits = first.read(BIT_STRING);
    if (bits[0] !== 0) throw new TypeError('bad DER: BIT STRING with unused bits');
    body = new DerReader(bits.subarray(1)).read(SEQUENCE);
  }
  const key = new DerReader(body);
  const nBytes = key.read(INTEGER);
  const eBytes = key.read(INTEGER);
  if ((nBytes[0] ?? 0) & 0x80 || (eBytes[0] ?? 0) & 0x80) throw new TypeError('bad RSA key: negative integer');
  const n = bytesToBigInt(nBytes);
  const e = bytesToBigInt(eBytes);
  if (n < 3n || (n & 1n) === 0n || e < 3n || (e & 1n) === 0n) throw new TypeError('bad RSA key: n and e must be odd and above 2');
  return { n, e };
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
