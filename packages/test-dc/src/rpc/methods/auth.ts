/**
 * Authorization: bot login (USER_MIGRATE_X off the home DC), export/import across DCs, log out,
 * and binding a temporary key to a permanent one (auth.bindTempAuthKey, protocol notes §6.8).
 */
import { readObject, TlReader, type Tl } from '@x/mtproto-core';
import { decryptV1 } from '../../crypto/message-crypto.js';
import { randomBytes, sha1 } from '../../crypto/node-crypto.js';
import { constantTimeEqual, readInt64, toHex } from '../../util/bytes.js';
import { presentUser } from '../../world/present.js';
import type { RpcContext } from '../context.js';
import { badRequest, RpcFailure, unauthorized } from '../rpc-failure.js';

export function importBotAuthorization(ctx: RpcContext, request: Tl<'auth.importBotAuthorization'>): Tl<'auth.authorization'> {
  if (!(request.apiId > 0) || request.apiHash.length === 0) throw badRequest('API_ID_INVALID');
  const login = ctx.shared.world.loginBot(request.botAuthToken, ctx.dcId);
  if (!login.ok) {
    if ('migrateTo' in login) throw new RpcFailure(303, `USER_MIGRATE_${login.migrateTo}`);
    throw new RpcFailure(login.code, login.error);
  }
  ctx.authorize(login.user.id);
  ctx.shared.log(`dc ${ctx.dcId}: bot ${login.user.id} logged in${login.created ? ' (created)' : ''}`);
  return { _: 'auth.authorization', user: presentUser(login.user, login.user.id) } as Tl<'auth.authorization'>;
}

export function exportAuthorization(ctx: RpcContext, request: Tl<'auth.exportAuthorization'>): Tl<'auth.exportedAuthorization'> {
  const user = ctx.requireUser();
  const target = request.dcId;
  if (target === ctx.dcId || !ctx.shared.endpoints().some((endpoint) => endpoint.id === target)) throw badRequest('DC_ID_INVALID');
  const bytes = randomBytes(128);
  ctx.shared.exportedAuthorizations.set(toHex(bytes), { userId: user.id, bytes, dcId: target, expiresAt: Math.floor(Date.now() / 1000) + 600 });
  return { _: 'auth.exportedAuthorization', id: BigInt(user.id), bytes };
}

export function importAuthorization(ctx: RpcContext, request: Tl<'auth.importAuthorization'>): Tl<'auth.authorization'> {
  const key = toHex(request.bytes);
  const exported = ctx.shared.exportedAuthorizations.get(key);
  if (
    exported === undefined ||
    exported.dcId !== ctx.dcId ||
    BigInt(exported.userId) !== request.id ||
    exported.expiresAt < Math.floor(Date.now() / 1000)
  ) {
    throw badRequest('AUTH_BYTES_INVALID');
  }
  ctx.shared.exportedAuthorizations.delete(key);
  const user = ctx.shared.world.users.get(exported.userId);
  if (user === undefined) throw badRequest('AUTH_BYTES_INVALID');
  ctx.authorize(user.id);
  return { _: 'auth.authorization', user: presentUser(user, user.id) } as Tl<'auth.authorization'>;
}

export function logOut(ctx: RpcContext): Tl<'auth.loggedOut'> {
  if (ctx.user() === undefined) throw unauthorized();
  ctx.authorize(undefined);
  return { _: 'auth.loggedOut' };
}

/**
 * encrypted_message = perm_auth_key_id ‖ msg_key ‖ AES-IGE(MTProto 1.0 KDF) of
 * random(16) ‖ msg_id ‖ seq_no=0 ‖ length ‖ bind_auth_key_inner ‖ padding.
 */
export function bindTempAuthKey(ctx: RpcContext, request: Tl<'auth.bindTempAuthKey'>): boolean {
  const invalid = () => badRequest('ENCRYPTED_MESSAGE_INVALID');
  if (!ctx.key.temp) throw badRequest('TEMP_AUTH_KEY_EMPTY');
  const perm = ctx.permanentKey(request.permAuthKeyId);
  if (perm === undefined || perm.temp) throw invalid();
  const message = request.encryptedMessage;
  if (message.length < 24 + 48 || (message.length - 24) % 16 !== 0) throw invalid();
  if (readInt64(message, 0) !== perm.id) throw invalid();
  const msgKey = message.subarray(8, 24);
  const plain = decryptV1(perm.key, msgKey, message.subarray(24));
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const msgId = view.getBigInt64(16, true);
  const seqNo = view.getInt32(24, true);
  const length = view.getInt32(28, true);
  if (length < 0 || 32 + length > plain.length) throw invalid();
  if (!constantTimeEqual(sha1(plain.subarray(0, 32 + length)).subarray(4, 20), msgKey)) throw invalid();
  if (msgId !== ctx.msgId || seqNo !== 0) throw invalid();
  let inner: Tl<'bind_auth_key_inner'>;
  try {
    inner = readObject(new TlReader(plain.subarray(32, 32 + length))) as Tl<'bind_auth_key_inner'>;
  } catch {
    throw invalid();
  }
  if (
    inner._ !== 'bind_auth_key_inner' ||
    inner.nonce !== request.nonce ||
    inner.tempAuthKeyId !== ctx.key.id ||
    inner.permAuthKeyId !== perm.id ||
    inner.tempSessionId !== ctx.session.sessionId ||
    inner.expiresAt !== request.expiresAt
  ) {
    throw invalid();
  }
  ctx.key.boundTo = perm.id;
  if (ctx.key.expiresAt === undefined || request.expiresAt < ctx.key.expiresAt) ctx.key.expiresAt = request.expiresAt;
  // The connection must be initialised again after binding (protocol notes §6.8).
  delete ctx.key.layer;
  delete ctx.key.initConnection;
  return true;
}
