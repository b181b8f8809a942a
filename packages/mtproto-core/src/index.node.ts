// Node entry of @x/mtproto-core: everything from the browser-safe entry, with the faster
// node:crypto provider as the default.
export * from './index.js';
export { nodeCryptoProvider, nodeCryptoProvider as defaultCryptoProvider, createNodeCryptoProvider, nativeIgeStatus } from './crypto/provider.node.js';
