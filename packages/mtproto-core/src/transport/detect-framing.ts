/**
 * Server side: which transport a client speaks, from the first bytes of its stream (§2, §3.2).
 * The obfuscated init is built so that it never looks like any of the plain forms.
 */

export type DetectedFraming = 'abridged' | 'intermediate' | 'padded' | 'full' | 'obfuscated';

/**
 * - `'abridged'` (first byte `ef`), `'intermediate'` (`eeeeeeee`), `'padded'` (`dddddddd`): plain,
 *   the tag is 1 or 4 bytes long and is followed by packets;
 * - `'full'`: no tag, the stream starts with a Full packet (its seqno word is 0);
 * - `'obfuscated'`: a 64-byte obfuscated2 init follows;
 * - `'unsupported'`: HTTP or TLS (fake-TLS MTProxy), which this server does not speak;
 * - `'need-more'`: fewer bytes than needed to decide (at most 8 are ever needed).
 */
export function detectTransportFraming(firstBytes: Uint8Array): DetectedFraming | 'unsupported' | 'need-more' {
  if (firstBytes.length === 0) return 'need-more';
  if (firstBytes[0] === 0xef) return 'abridged';
  if (firstBytes.length < 4) return 'need-more';
  const view = new DataView(firstBytes.buffer, firstBytes.byteOffset, firstBytes.byteLength);
  const first = view.getUint32(0, true);
  if (first === 0xeeeeeeee) return 'intermediate';
  if (first === 0xdddddddd) return 'padded';
  if (
    first === 0x44414548 || // HEAD
    first === 0x54534f50 || // POST
    first === 0x20544547 || // GET
    first === 0x4954504f || // OPTI(ONS)
    first === 0x02010316 // TLS handshake record
  ) {
    return 'unsupported';
  }
  if (firstBytes.length < 8) return 'need-more';
  return view.getUint32(4, true) === 0 ? 'full' : 'obfuscated';
}
