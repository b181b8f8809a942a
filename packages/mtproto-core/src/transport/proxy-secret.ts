/**
 * MTProxy secrets (protocol notes §3.6), as users paste them: hex or base64url.
 *   16 bytes           plain obfuscated2, any framing
 *   17 bytes, 0xdd...  "secure": padded intermediate is forced
 *   0xee...            fake-TLS: not supported by this package (refused clearly)
 */
import { TransportError } from '../errors.js';

export interface ProxySecret {
  /** The 16 bytes mixed into the obfuscation keys. */
  key: Uint8Array;
  /** True for `dd` secrets: the padded intermediate framing must be used. */
  forcePadded: boolean;
}

export function parseProxySecret(secret: string | Uint8Array): ProxySecret {
  const bytes = typeof secret === 'string' ? decodeSecretText(secret.trim()) : secret;
  if (bytes.length === 16) return { key: bytes.slice(), forcePadded: false };
  if (bytes.length === 17 && bytes[0] === 0xdd) return { key: bytes.slice(1), forcePadded: true };
  if (bytes.length >= 17 && bytes[0] === 0xee) {
    throw new TransportError('TRANSPORT_PROXY_SECRET', 'fake-TLS MTProxy secrets (ee...) are not supported');
  }
  throw new TransportError(
    'TRANSPORT_PROXY_SECRET',
    `MTProxy secret must be 16 bytes, or 17 starting with dd; got ${bytes.length} bytes`,
  );
}

function decodeSecretText(text: string): Uint8Array {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  if (/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text)) {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  throw new TransportError('TRANSPORT_PROXY_SECRET', 'MTProxy secret is neither hex nor base64');
}
