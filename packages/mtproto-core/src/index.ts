// Public entry of @x/mtproto-core (browser-safe). The `node` export condition loads index.node.ts,
// which re-exports all of this and swaps in the node:crypto provider as `defaultCryptoProvider`.
// Each area adds its own export lines below its heading.

// errors
export * from './errors.js';

// transport contract and framing codecs
export type * from './transport/transport.js';

// crypto
export type { CryptoProvider, AesCtrStream } from './crypto/provider.js';

// TL layer

// auth-key exchange

// session
