/**
 * Answers one RPC call: decodes it, unwraps invokeWithLayer / initConnection /
 * invokeWithoutUpdates / invokeAfterMsg(s) (and gzip_packed queries), applies the FLOOD_WAIT fault,
 * runs the method and returns the serialized `rpc_result` (gzip_packed when large, as Telegram does).
 * Unknown methods answer 400 INPUT_METHOD_INVALID; undecodable parameters 400 INPUT_FETCH_ERROR.
 */
import { readObject, TlDecodeError, TlReader, TlWriter, writeObject, type TlObject } from '@x/mtproto-core';
import { gunzip, gzip } from '../crypto/node-crypto.js';
import { readLayeredObject } from '../layers/layered-reader.js';
import { needsLayering, writeLayeredObject } from '../layers/layered-writer.js';
import type { RpcContext } from './context.js';
import { bindTempAuthKey, exportAuthorization, importAuthorization, importBotAuthorization, logOut } from './methods/auth.js';
import { getChannelMessages, getChannels, getChats } from './methods/chats.js';
import { getAppConfig, getCdnConfig, getConfig, getNearestDc } from './methods/help.js';
import { getChannelDifference, getDifference, getMessages, getState, sendMedia, sendMessage } from './methods/messages.js';
import { getFile, saveBigFilePart, saveFilePart } from './methods/upload.js';
import { getFullUser, getUsers, resolveUsername } from './methods/users.js';
import { RpcFailure } from './rpc-failure.js';

type Handler = (ctx: RpcContext, request: any) => unknown;

const METHODS: Record<string, Handler> = {
  'help.getConfig': getConfig,
  'help.getNearestDc': getNearestDc,
  'help.getAppConfig': getAppConfig,
  'help.getCdnConfig': getCdnConfig,
  'account.updateStatus': (ctx) => (ctx.requireUser(), true),
  // TDLib drops its old temporary keys at start.
  'auth.dropTempAuthKeys': (ctx, request: { exceptAuthKeys: bigint[] }) => (ctx.dropTempKeys(request.exceptAuthKeys), true),
  'messages.setTyping': (ctx) => (ctx.requireUser(), true),
  'bots.setBotCommands': (ctx) => (ctx.requireUser(), true),
  'bots.resetBotCommands': (ctx) => (ctx.requireUser(), true),
  'bots.getBotCommands': (ctx) => (ctx.requireUser(), []),
  'auth.importBotAuthorization': importBotAuthorization,
  'auth.exportAuthorization': exportAuthorization,
  'auth.importAuthorization': importAuthorization,
  'auth.logOut': logOut,
  'auth.bindTempAuthKey': bindTempAuthKey,
  'users.getUsers': getUsers,
  'users.getFullUser': getFullUser,
  'contacts.resolveUsername': resolveUsername,
  'messages.sendMessage': sendMessage,
  'messages.sendMedia': sendMedia,
  'messages.getMessages': getMessages,
  'messages.getChats': getChats,
  'channels.getChannels': getChannels,
  'channels.getMessages': getChannelMessages,
  'updates.getState': getState,
  'updates.getDifference': getDifference,
  'updates.getChannelDifference': getChannelDifference,
  'upload.saveFilePart': saveFilePart,
  'upload.saveBigFilePart': saveBigFilePart,
  'upload.getFile': getFile,
  // `ping` as an RPC inside a wrapper (a bare top-level ping is a service message).
  ping: (_ctx, request: { pingId: bigint }) => ({ _: 'pong', msgId: _ctx.msgId, pingId: request.pingId }),
};

/** Methods a temporary key may call before it is bound (everything else: AUTH_KEY_PERM_EMPTY). */
const UNBOUND_TEMP_ALLOWED = new Set(['auth.bindTempAuthKey', 'help.getConfig', 'help.getNearestDc', 'ping']);

export interface CallReport {
  /** The innermost method's name (after the wrappers). */
  method: string;
  /** invokeWithoutUpdates was used. */
  withoutUpdates: boolean;
  /** True if no invokeWithLayer had been seen on this key before this call's method ran. */
  missingLayer: boolean;
}

const RPC_RESULT = 0xf35c6d01;
const RPC_ERROR = 0x2144ca19;
const GZIP_PACKED = 0x3072cfa1;
const MAX_GUNZIP = 16 * 1024 * 1024;

export interface DispatchHooks {
  /** Returns seconds for a FLOOD_WAIT_X fault on `method`, if armed. */
  floodWait(method: string): number | undefined;
}

/** Runs one call and returns the `rpc_result` body plus what was learned about the call. */
export function dispatchCall(ctx: RpcContext, body: Uint8Array, hooks: DispatchHooks): { result: Uint8Array; report: CallReport } {
  const report: CallReport = { method: 'unknown', withoutUpdates: false, missingLayer: false };
  let value: unknown;
  try {
    let request: any = decode(body);
    for (;;) {
      const name = (request as { _: string })._;
      if (name === 'gzip_packed') {
        request = decode(gunzip((request as { packedData: Uint8Array }).packedData, MAX_GUNZIP));
        continue;
      }
      if (name === 'invokeWithLayer') {
        const wrapper = request as { layer: number; query: TlObject };
        if (!(wrapper.layer > 0)) throw new RpcFailure(400, 'LAYER_INVALID');
        ctx.key.layer = wrapper.layer;
        request = wrapper.query;
        continue;
      }
      if (name === 'initConnection') {
        const init = request as unknown as {
          apiId: number; deviceModel: string; systemVersion: string; appVersion: string;
          systemLangCode: string; langPack: string; langCode: string; query: TlObject;
        };
        if (!(init.apiId > 0)) throw new RpcFailure(400, 'API_ID_INVALID');
        ctx.key.initConnection = {
          apiId: init.apiId,
          deviceModel: init.deviceModel,
          systemVersion: init.systemVersion,
          appVersion: init.appVersion,
          systemLangCode: init.systemLangCode,
          langPack: init.langPack,
          langCode: init.langCode,
        };
        request = init.query;
        continue;
      }
      if (name === 'invokeWithoutUpdates') {
        report.withoutUpdates = true;
        request = (request as { query: TlObject }).query;
        continue;
      }
      if (name.startsWith('invoke') && request.query !== undefined) {
        // invokeAfterMsg(s) (calls are answered in order anyway), invokeWithTakeout,
        // invokeWithMessagesRange, invokeWithBusinessConnection...: run the inner query.
        request = request.query;
        continue;
      }
      report.method = name;
      break;
    }
    const handler = Object.hasOwn(METHODS, report.method) ? METHODS[report.method] : undefined;
    if (handler === undefined) throw new RpcFailure(400, 'INPUT_METHOD_INVALID');
    if (report.method !== 'ping' && ctx.key.layer === undefined) report.missingLayer = true;
    if (ctx.key.temp && ctx.key.boundTo === undefined && !UNBOUND_TEMP_ALLOWED.has(report.method)) {
      throw new RpcFailure(401, 'AUTH_KEY_PERM_EMPTY');
    }
    const flood = hooks.floodWait(report.method);
    if (flood !== undefined) throw new RpcFailure(420, `FLOOD_WAIT_${flood}`);
    value = handler(ctx, request);
  } catch (error) {
    if (error instanceof RpcFailure) value = { _: 'rpc_error', errorCode: error.errorCode, errorMessage: error.errorMessage };
    else if (error instanceof TlDecodeError) {
      const unknownId = /unknown constructor/.test(error.message);
      const errorMessage = !unknownId ? 'INPUT_FETCH_ERROR' : error.offset === innerQueryOffset(body) ? 'INPUT_METHOD_INVALID' : 'INPUT_CONSTRUCTOR_INVALID';
      value = { _: 'rpc_error', errorCode: 400, errorMessage };
    } else {
      ctx.shared.log(`dc ${ctx.dcId}: ${report.method} failed: ${(error as Error).stack ?? String(error)}`);
      value = { _: 'rpc_error', errorCode: 500, errorMessage: 'INTERNAL' };
    }
  }
  return { result: encodeRpcResult(ctx.msgId, value, ctx.shared.gzipThreshold, ctx.key.layer), report };
}

/** Where the innermost query starts once the invoke* / initConnection wrappers are skipped. */
function innerQueryOffset(body: Uint8Array): number {
  const reader = new TlReader(body);
  try {
    for (;;) {
      const start = reader.position;
      const id = reader.uint32();
      if (id === 0xda9b0d0d) reader.int32(); // invokeWithLayer
      else if (id === 0xbf9459b7) continue; // invokeWithoutUpdates
      else if (id === 0xcb9f372d) reader.int64(); // invokeAfterMsg
      else if (id === 0x3dc4b4f0) { // invokeAfterMsgs
        reader.uint32();
        const count = reader.vectorLength(8);
        for (let i = 0; i < count; i++) reader.int64();
      } else if (id === 0xc1cd5ea9) { // initConnection
        const flags = reader.int32();
        reader.int32();
        for (let i = 0; i < 6; i++) reader.string();
        if (flags & 1) readObject(reader);
        if (flags & 2) readObject(reader);
      } else return start;
    }
  } catch {
    return -1;
  }
}

/** Reads a request in whatever API layer it was written (see layers/). */
function decode(body: Uint8Array): TlObject {
  const reader = new TlReader(body);
  const value = readLayeredObject(reader) as TlObject;
  if (reader.remaining !== 0) reader.fail(`${reader.remaining} trailing byte(s)`);
  return value;
}

/**
 * rpc_result#f35c6d01 req_msg_id:long result:Object (results above `threshold` bytes gzipped),
 * written for the client's API layer.
 */
export function encodeRpcResult(reqMsgId: bigint, value: unknown, threshold: number, layer?: number): Uint8Array {
  const inner = new TlWriter(256);
  writeResultValue(inner, value, layer);
  let result = inner.toBytes();
  const isError = new DataView(result.buffer, result.byteOffset, 4).getUint32(0, true) === RPC_ERROR;
  if (!isError && threshold > 0 && result.length > threshold) {
    const packed = gzip(result);
    if (packed.length + 8 < result.length) {
      const wrapper = new TlWriter(packed.length + 16);
      wrapper.uint32(GZIP_PACKED);
      wrapper.bytes(packed);
      result = wrapper.toBytes();
    }
  }
  const out = new TlWriter(result.length + 12);
  out.uint32(RPC_RESULT);
  out.int64(reqMsgId);
  out.raw(result);
  return out.toBytes();
}

/** Boxed objects, Bool, and vectors of objects / longs / ints (method results like Vector<User>). */
function writeResultValue(writer: TlWriter, value: unknown, layer: number | undefined): void {
  const write = needsLayering(layer) ? (item: unknown) => writeLayeredObject(writer, item, layer) : (item: unknown) => writeObject(writer, item as never);
  if (Array.isArray(value)) {
    writer.uint32(0x1cb5c415);
    writer.int32(value.length);
    for (const item of value) {
      if (typeof item === 'bigint') writer.int64(item);
      else if (typeof item === 'number') writer.int32(item);
      else write(item);
    }
    return;
  }
  write(value);
}

/** One boxed object for the client's API layer (pushed updates). */
export function serializeForLayer(value: unknown, layer: number | undefined): Uint8Array {
  const writer = new TlWriter(256);
  writeResultValue(writer, value, layer);
  return writer.toBytes();
}
