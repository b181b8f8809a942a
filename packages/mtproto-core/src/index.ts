// Public entry of @x/mtproto-core (browser-safe). The `node` export condition loads index.node.ts,
// which re-exports all of this and swaps in the node:crypto provider as `defaultCryptoProvider`.
// Each area adds its own export lines below its heading.

// errors
export * from './errors.js';

// transport contract and framing codecs
export type * from './transport/transport.js';
export * from './transport/framing.js';
export { crc32, crc32Update } from './transport/crc32.js';
export { FrameEncoder, type FrameEncoderOptions, type EncodeOptions } from './transport/frame-encoder.js';
export { FrameDecoder, type FrameDecoderOptions } from './transport/frame-decoder.js';
export * from './transport/obfuscation.js';
export { parseProxySecret, type ProxySecret } from './transport/proxy-secret.js';
export { TransportCodec, type TransportCodecOptions } from './transport/transport-codec.js';
export { detectTransportFraming, type DetectedFraming } from './transport/detect-framing.js';
export * from './transport/server-codec.js';
export { createMemoryLink, MemoryLinkEnd, type MemoryLinkOptions } from './transport/memory-link.js';
export { memoryTransport, MemoryTransport, type MemoryTransportOptions } from './transport/memory-transport.js';
export { MemoryPeer } from './transport/memory-peer.js';

// crypto
export * from './crypto/index.js';
export { portableCryptoProvider as defaultCryptoProvider } from './crypto/portable.js';

// TL layer
export * from './tl/index.js';
export * from './tl/container.js';
export { TlReader, TlWriter } from './binary/index.js';

// auth-key exchange
export { exchangeAuthKey, handshakeDcId, type AuthKeyExchangeOptions, type AuthKeyExchangeResult, type PlainChannel } from './auth/handshake.js';
export { encodePlainMessage, decodePlainMessage, isPlainPacket, type PlainMessage } from './auth/plain-message.js';
export { builtInRsaKeys, trustedRsaKeys } from './auth/rsa-keys.js';

// session
export { MtprotoSession } from './session/session.js';
export type { AuthKeyState, InitConnectionParams, InvokeOptions, Logger, SessionEvents, SessionOptions, SessionState } from './session/types.js';
export { MessageCipher, paddingLength, CIPHER_HEADROOM } from './session/message-cipher.js';
export { RandomPool } from './session/random-pool.js';
export { PlaintextWriter } from './session/plaintext-writer.js';
export { MessageIdGenerator } from './session/msg-id.js';
