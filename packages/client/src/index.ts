// @x/client, browser-safe entry. The `node` export condition loads index.node.ts, which adds the
// file session storage and reads PEM files given by path.
export { Client, type ClientEvents, type ConnectionEvent, type ConnectionInfo, type InvokeOptions } from './client.js';
export type { ClientOptions, ProxyOption, TransportChoice } from './options.js';
export { Message, type SendMessageOptions } from './message.js';
export type { ConnectionState } from './dc-connection.js';
export type { UpdateEntities } from './updates/manager.js';
export { UpdateSequencer, type UpdatesBatch } from './updates/sequencer.js';
export { parseDcsOverride, type DcsOverride, type DcEndpointOverride } from './dc/override.js';
export { markedId, unmarkId, type PeerKey, type PeerType } from './peers/marked-id.js';
export type { ChatLike } from './peers/resolver.js';
export { createConsoleLogger, silentLogger, type LogLevel, type Logger } from './logger.js';
export type { SessionStorage } from './storage/storage.js';
export type { SessionData, StoredDcKey, StoredPeer, StoredSelf, StoredUpdateState } from './storage/session-data.js';
export { MemorySessionStorage } from './storage/memory.js';
export { LocalStorageSessionStorage, type WebStorageLike } from './storage/local-storage.js';
export { SessionStorageError } from './storage/errors.js';
export { decodeSession, encodeSession, SESSION_FORMAT, SESSION_FORMAT_VERSION } from './storage/codec.js';
export {
  AbortError,
  FloodWaitError,
  MtprotoError,
  ProtocolError,
  RpcError,
  SecurityError,
  TimeoutError,
  TransportError,
} from '@x/mtproto-core';
