/**
 * One data centre: its connections, auth keys, handshake and sessions, and the processing of
 * every client packet — checks in Telegram's order (msg_id, time window, duplicates, salt,
 * seq_no), containers, gzip, service messages, RPC calls — plus pushing updates to the sessions
 * of logged-in users whose home DC this is.
 */
import { readContainerEntries, readObject, serializeTl, TlReader, type Tl, type TlObject } from '@x/mtproto-core';
import { decryptClientMessage, quickAckToken } from '../crypto/message-crypto.js';
import { gunzip } from '../crypto/node-crypto.js';
import type { ServerRsaKey } from '../crypto/rsa-key.js';
import { FaultScope } from '../faults/fault-scope.js';
import { HandshakeServer } from '../handshake/handshake-server.js';
import type { Carrier } from '../net/carrier.js';
import { Connection, type ConnectionHost } from '../net/connection.js';
import type { RpcContext, SharedServerState } from '../rpc/context.js';
import { dispatchCall, serializeForLayer } from '../rpc/dispatch.js';
import { RpcFailure } from '../rpc/rpc-failure.js';
import { AuthKeyStore, type AuthKeyRecord } from '../session/auth-keys.js';
import type { SaltPolicy } from '../session/salts.js';
import { msgIdTime, ServerMsgIds } from '../session/server-msg-id.js';
import { ServerSession, type OutgoingMessage } from '../session/server-session.js';
import { readInt64 } from '../util/bytes.js';
import type { ViolationLog } from '../violations.js';
import { updatesFor } from '../world/updates-for.js';
import type { Delivery } from '../world/world.js';
import { EITHER_CONTENT, ID, NEVER_CONTENT } from './service-ids.js';

export interface DcInit {
  dcId: number;
  shared: SharedServerState;
  rsa: ServerRsaKey;
  violations: ViolationLog;
  saltPolicy: SaltPolicy;
  log(message: string): void;
}

/** One packet's worth of processing: what to send back and what was answered. */
interface Batch {
  connection: Connection;
  session: ServerSession;
  key: AuthKeyRecord;
  now: number;
  out: OutgoingMessage[];
  answered: Set<bigint>;
}

const MAX_GUNZIP = 16 * 1024 * 1024;
const MAX_PAST_SECONDS = 300;
const MAX_FUTURE_SECONDS = 30;

export class Dc implements ConnectionHost {
  readonly dcId: number;
  readonly faults = new FaultScope();
  readonly violations: ViolationLog;
  readonly keys: AuthKeyStore;
  readonly handshake: HandshakeServer;
  readonly connections = new Set<Connection>();
  private readonly shared: SharedServerState;
  private readonly sessions = new Map<string, ServerSession>();
  private readonly announced = new WeakSet<ServerSession>();
  private readonly plainMsgIds = new WeakMap<Connection, ServerMsgIds>();
  /** One msg_id sequence per auth key, across its sessions (also re-created ones). */
  private readonly keyMsgIds = new WeakMap<AuthKeyRecord, ServerMsgIds>();
  private readonly logger: (message: string) => void;
  private readonly stopDeliveries: () => void;

  constructor(init: DcInit) {
    this.dcId = init.dcId;
    this.shared = init.shared;
    this.violations = init.violations;
    this.logger = init.log;
    this.keys = new AuthKeyStore(init.saltPolicy);
    this.handshake = new HandshakeServer({ dcId: init.dcId, rsa: init.rsa, keys: this.keys, log: (message) => this.log(message) });
    this.stopDeliveries = init.shared.world.onDelivery((delivery) => this.push(delivery));
  }

  log(message: string): void {
    this.logger(`dc ${this.dcId}: ${message}`);
  }

  accept(carrier: Carrier): Connection {
    const connection = new Connection(this, carrier);
    if (!connection.closed) this.connections.add(connection);
    return connection;
  }

  onClosed(connection: Connection): void {
    this.connections.delete(connection);
    for (const session of this.sessions.values()) if (session.connection === connection) session.connection = undefined;
  }

  /** Every salt of every key replaced now (fault switch "force salt rotation"). */
  rotateSalts(): void {
    const now = Math.floor(Date.now() / 1000);
    for (const key of this.keys.all()) key.salts.rotateNow(now);
  }

  /** Forgets every session (the client gets new_session_created next time). */
  forgetSessions(): void {
    this.sessions.clear();
  }

  close(): void {
    this.stopDeliveries();
    for (const connection of [...this.connections]) connection.destroy();
    this.connections.clear();
  }

  onPacket(connection: Connection, packet: Uint8Array, quickAck: boolean): void {
    if (packet.length < 8) return this.reject(connection, 'packet shorter than auth_key_id');
    if (readInt64(packet, 0) === 0n) this.handlePlain(connection, packet);
    else this.handleEncrypted(connection, packet, quickAck);
  }

  private reject(connection: Connection, reason: string, code = -404): void {
    this.log(`connection ${connection.id}: ${code}: ${reason}`);
    connection.sendTransportError(code);
    connection.close(1000, String(code));
  }

  // ---- unencrypted (handshake) -------------------------------------------------------------

  private handlePlain(connection: Connection, packet: Uint8Array): void {
    if (packet.length < 20) return this.reject(connection, 'truncated unencrypted message');
    const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    const msgId = view.getBigInt64(8, true);
    const length = view.getInt32(16, true);
    if (length < 0 || length > packet.length - 20) return this.reject(connection, 'unencrypted message length exceeds the packet');
    if ((msgId & 3n) !== 0n) connection.violation('msg-id-not-divisible-by-4', `unencrypted msg_id ${msgId} is not divisible by 4`);
    const now = Date.now() / 1000 + connection.clockSkewSeconds;
    const outcome = this.handshake.handle(packet.subarray(20, 20 + length), now);
    if (outcome.kind === 'error') {
      if (outcome.transportError === -404) connection.violation('handshake-invalid', outcome.reason);
      return this.reject(connection, outcome.reason, outcome.transportError);
    }
    let ids = this.plainMsgIds.get(connection);
    if (ids === undefined) {
      ids = new ServerMsgIds();
      this.plainMsgIds.set(connection, ids);
    }
    const reply = new Uint8Array(20 + outcome.body.length);
    const replyView = new DataView(reply.buffer);
    replyView.setBigInt64(8, ids.next('response', now * 1000), true);
    replyView.setInt32(16, outcome.body.length, true);
    reply.set(outcome.body, 20);
    connection.sendPacket(reply);
  }

  // ---- encrypted -----------------------------------------------------------------------------

  private handleEncrypted(connection: Connection, packet: Uint8Array, quickAck: boolean): void {
    const realNow = Date.now() / 1000;
    if (packet.length < 72 || (packet.length - 24) % 16 !== 0) {
      connection.violation('message-invalid', `encrypted packet of ${packet.length} bytes (needs >= 72 and 24 + 16k)`);
      return this.reject(connection, 'bad encrypted packet length');
    }
    const keyId = readInt64(packet, 0);
    const key = this.keys.get(keyId, realNow);
    if (key === undefined) return this.reject(connection, `unknown auth_key_id ${BigInt.asUintN(64, keyId).toString(16)}`);
    const decrypted = decryptClientMessage(key.key, packet);
    if (!decrypted.valid) {
      connection.violation('message-invalid', 'msg_key does not match the decrypted message');
      return this.reject(connection, 'msg_key mismatch');
    }
    const plain = decrypted.plaintext;
    const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
    const salt = view.getBigInt64(0, true);
    const sessionId = view.getBigInt64(8, true);
    const msgId = view.getBigInt64(16, true);
    const seqNo = view.getInt32(24, true);
    const length = view.getInt32(28, true);
    if (length < 0 || length % 4 !== 0 || length > plain.length - 32) {
      connection.violation('message-invalid', `message_data_length ${length} does not fit the ${plain.length - 32} bytes after the header`);
      return this.reject(connection, 'bad message_data_length');
    }
    const padding = plain.length - 32 - length;
    if (padding < 12 || padding > 1024) connection.violation('padding-out-of-range', `${padding} bytes of padding (must be 12..1024)`);
    if (quickAck) connection.sendQuickAck(quickAckToken(decrypted.msgKeyLarge));

    connection.authKeyId = keyId;
    connection.userId = this.keys.userOf(key, realNow);
    const session = this.sessionFor(key, sessionId);
    session.connection = connection;
    const batch: Batch = { connection, session, key, now: realNow + connection.clockSkewSeconds, out: [], answered: new Set() };
    this.processTop(batch, salt, msgId, seqNo, plain.subarray(32, 32 + length), realNow);
    this.flush(batch);
  }

  private sessionFor(key: AuthKeyRecord, sessionId: bigint): ServerSession {
    const id = `${key.id}:${sessionId}`;
    let session = this.sessions.get(id);
    if (session === undefined || session.key !== key) {
      let msgIds = this.keyMsgIds.get(key);
      if (msgIds === undefined) {
        msgIds = new ServerMsgIds();
        this.keyMsgIds.set(key, msgIds);
      }
      session = new ServerSession(key, sessionId, msgIds);
      this.sessions.set(id, session);
    }
    return session;
  }

  private processTop(batch: Batch, salt: bigint, msgId: bigint, seqNo: number, body: Uint8Array, realNow: number): void {
    const { session } = batch;
    if (!this.checkMsgId(batch, msgId, seqNo)) return;
    if (session.hasReceived(msgId)) return this.repeat(batch, msgId);
    const floor = session.windowFloor;
    if (floor !== undefined && msgId < floor) return this.badMsg(batch, msgId, seqNo, 20);
    if (!batch.key.salts.accepts(salt, realNow)) {
      batch.out.push({
        body: serializeTl({
          _: 'bad_server_salt',
          badMsgId: msgId,
          badMsgSeqno: seqNo,
          errorCode: 48,
          newServerSalt: batch.key.salts.current(realNow),
        } as Tl<'bad_server_salt'>),
        contentRelated: false,
      });
      return;
    }
    let entries: { msgId: bigint; seqNo: number; body: Uint8Array }[] | undefined;
    if (body.length >= 4 && readUint32(body, 0) === ID.msgContainer) {
      try {
        entries = readContainerEntries(new TlReader(body, 4));
      } catch {
        batch.connection.violation('container-invalid', 'msg_container does not parse');
        return this.badMsg(batch, msgId, seqNo, 64);
      }
      if (entries.some((entry) => entry.msgId >= msgId)) {
        batch.connection.violation('container-invalid', 'a message in a container has a msg_id not below the container\'s');
        return this.badMsg(batch, msgId, seqNo, 64);
      }
    }
    if (!this.announced.has(session)) {
      this.announced.add(session);
      const first = entries === undefined || entries.length === 0 ? msgId : entries.reduce((min, entry) => (entry.msgId < min ? entry.msgId : min), msgId);
      batch.out.push({
        body: serializeTl({
          _: 'new_session_created',
          firstMsgId: first,
          uniqueId: session.uniqueId,
          serverSalt: batch.key.salts.current(realNow),
        } as Tl<'new_session_created'>),
        contentRelated: true,
      });
    }
    const previousHighest = session.highestReceivedMsgId;
    if (msgId <= previousHighest) {
      batch.connection.violation('msg-id-not-increasing', `msg_id ${msgId} after ${previousHighest} in the same session`);
    }
    if (entries === undefined) {
      this.processMessage(batch, msgId, seqNo, body, false);
      return;
    }
    if (!this.checkParity(batch, msgId, seqNo, ID.msgContainer)) return;
    session.recordReceived(msgId, seqNo, false);
    for (const entry of entries) {
      if (!this.checkMsgId(batch, entry.msgId, entry.seqNo)) continue;
      if (session.hasReceived(entry.msgId)) {
        this.repeat(batch, entry.msgId);
        continue;
      }
      if (entry.msgId <= previousHighest) {
        batch.connection.violation('msg-id-not-increasing', `msg_id ${entry.msgId} in a container after ${previousHighest} in the same session`);
      }
      this.processMessage(batch, entry.msgId, entry.seqNo, entry.body, true);
    }
  }

  /** msg_id divisible by 4 (18) and within [now-300 s, now+30 s] (16/17). */
  private checkMsgId(batch: Batch, msgId: bigint, seqNo: number): boolean {
    if ((msgId & 3n) !== 0n) {
      batch.connection.violation('msg-id-not-divisible-by-4', `msg_id ${msgId} is not divisible by 4`);
      this.badMsg(batch, msgId, seqNo, 18);
      return false;
    }
    const time = msgIdTime(msgId);
    if (time < batch.now - MAX_PAST_SECONDS) {
      this.badMsg(batch, msgId, seqNo, 16);
      return false;
    }
    if (time > batch.now + MAX_FUTURE_SECONDS) {
      this.badMsg(batch, msgId, seqNo, 17);
      return false;
    }
    return true;
  }

  /** A repeated msg_id: resend the answer if there is one, else just acknowledge again. */
  private repeat(batch: Batch, msgId: bigint): void {
    const answer = batch.session.cachedAnswer(msgId);
    if (answer !== undefined) {
      batch.out.push({ body: answer, contentRelated: true });
      batch.answered.add(msgId);
    }
  }

  private badMsg(batch: Batch, msgId: bigint, seqNo: number, code: number): void {
    batch.out.push({
      body: serializeTl({ _: 'bad_msg_notification', badMsgId: msgId, badMsgSeqno: seqNo, errorCode: code } as Tl<'bad_msg_notification'>),
      contentRelated: false,
    });
  }

  /** Content-related parity (34/35) and seq_no order (32/33); reports violations. */
  private checkParity(batch: Batch, msgId: bigint, seqNo: number, id: number): boolean {
    const odd = (seqNo & 1) === 1;
    if (NEVER_CONTENT.has(id) && odd) {
      // The spec says bad_msg 34, but Telegram evidently accepts it: mtcute marks its msgs_ack
      // content-related and works in production. Accept, and report in strict mode.
      batch.connection.violation('seq-no-parity', `0x${id.toString(16)} sent with odd seq_no ${seqNo} (must not be content-related)`);
    }
    if (!NEVER_CONTENT.has(id) && !EITHER_CONTENT.has(id) && !odd) {
      batch.connection.violation('seq-no-parity', `RPC call 0x${id.toString(16)} sent with even seq_no ${seqNo} (must be content-related)`);
      this.badMsg(batch, msgId, seqNo, 35);
      return false;
    }
    if (odd) {
      const order = batch.session.checkSeqOrder(msgId, seqNo);
      if (order !== undefined) {
        batch.connection.violation('seq-no-order', `seq_no ${seqNo} of msg_id ${msgId} is too ${order === 32 ? 'low' : 'high'}`);
        this.badMsg(batch, msgId, seqNo, order);
        return false;
      }
    }
    return true;
  }

  private processMessage(batch: Batch, msgId: bigint, seqNo: number, body: Uint8Array, inContainer: boolean): void {
    if (body.length < 4) {
      batch.connection.violation('message-invalid', `message ${msgId} has a ${body.length}-byte body`);
      return;
    }
    let id = readUint32(body, 0);
    if (id === ID.gzipPacked) {
      try {
        const packed = readObject(new TlReader(body)) as unknown as Tl<'gzip_packed'>;
        body = gunzip(packed.packedData, MAX_GUNZIP);
      } catch {
        batch.connection.violation('message-invalid', `gzip_packed message ${msgId} does not unpack`);
        return;
      }
      if (body.length < 4) return;
      id = readUint32(body, 0);
    }
    if (id === ID.msgContainer) {
      batch.connection.violation('container-invalid', inContainer ? 'nested msg_container' : 'gzip-packed msg_container');
      return this.badMsg(batch, msgId, seqNo, 64);
    }
    if (!this.checkParity(batch, msgId, seqNo, id)) return;
    batch.session.recordReceived(msgId, seqNo, !NEVER_CONTENT.has(id));
    switch (id) {
      case ID.msgsAck:
        return this.service(batch, body, (ack: Tl<'msgs_ack'>) => batch.session.acknowledge(ack.msgIds));
      case ID.ping:
        return this.service(batch, body, (ping: Tl<'ping'>) => this.reply(batch, { _: 'pong', msgId, pingId: ping.pingId }));
      case ID.pingDelayDisconnect:
        return this.service(batch, body, (ping: Tl<'ping_delay_disconnect'>) => {
          batch.connection.armDisconnectDelay(Math.max(1, ping.disconnectDelay));
          this.reply(batch, { _: 'pong', msgId, pingId: ping.pingId });
        });
      case ID.getFutureSalts:
        return this.service(batch, body, (request: Tl<'get_future_salts'>) => this.futureSalts(batch, msgId, request.num));
      case ID.destroySession:
        return this.service(batch, body, (request: Tl<'destroy_session'>) => this.destroySession(batch, request.sessionId));
      case ID.destroyAuthKey:
        return this.destroyAuthKey(batch);
      case ID.msgsStateReq:
        return this.service(batch, body, (request: Tl<'msgs_state_req'>) => this.stateInfo(batch, msgId, request.msgIds));
      case ID.msgResendReq:
        return this.service(batch, body, (request: Tl<'msg_resend_req'>) => {
          for (const id of request.msgIds) batch.session.resend(batch.connection, id, batch.key.salts.current(Date.now() / 1000));
        });
      case ID.rpcDropAnswer:
        batch.out.push({ body: encodeSimpleRpcResult(msgId, serializeTl({ _: 'rpc_answer_unknown' } as TlObject)), contentRelated: true });
        batch.answered.add(msgId);
        return;
      case ID.httpWait:
      case ID.msgsStateInfo:
      case ID.msgsAllInfo:
      case ID.msgDetailedInfo:
      case ID.msgNewDetailedInfo:
        return;
      default:
        return this.call(batch, msgId, body);
    }
  }

  /** Decodes a service message and runs `handle`; undecodable ones are reported and dropped. */
  private service<T>(batch: Batch, body: Uint8Array, handle: (message: T) => void): void {
    let message: T;
    try {
      message = readObject(new TlReader(body)) as T;
    } catch (error) {
      batch.connection.violation('message-invalid', `service message does not decode: ${(error as Error).message}`);
      return;
    }
    handle(message);
  }

  private reply(batch: Batch, value: TlObject | Record<string, unknown>): void {
    batch.out.push({ body: serializeTl(value as TlObject), contentRelated: false });
  }

  private futureSalts(batch: Batch, msgId: bigint, num: number): void {
    const realNow = Math.floor(Date.now() / 1000);
    const skew = Math.round(batch.now - Date.now() / 1000);
    const salts = batch.key.salts.future(realNow, Math.max(1, Math.min(64, num)));
    this.reply(batch, {
      _: 'future_salts',
      reqMsgId: msgId,
      now: realNow + skew,
      salts: salts.map((entry) => ({ _: 'future_salt', validSince: entry.validSince + skew, validUntil: entry.validUntil + skew, salt: entry.salt })),
    });
  }

  private destroySession(batch: Batch, sessionId: bigint): void {
    const id = `${batch.key.id}:${sessionId}`;
    const exists = sessionId !== batch.session.sessionId && this.sessions.delete(id);
    this.reply(batch, { _: exists ? 'destroy_session_ok' : 'destroy_session_none', sessionId });
  }

  private destroyAuthKey(batch: Batch): void {
    this.reply(batch, { _: 'destroy_auth_key_ok' });
    this.flush(batch);
    batch.out.length = 0;
    this.keys.delete(batch.key.id);
    for (const [id, session] of this.sessions) if (session.key === batch.key) this.sessions.delete(id);
  }

  private stateInfo(batch: Batch, msgId: bigint, ids: bigint[]): void {
    const info = new Uint8Array(ids.length);
    const session = batch.session;
    ids.forEach((id, index) => {
      if (session.hasReceived(id)) info[index] = 4 | (session.cachedAnswer(id) !== undefined ? 64 : 0);
      else if (id > session.highestReceivedMsgId) info[index] = 3;
      else if (session.windowFloor !== undefined && id < session.windowFloor) info[index] = 1;
      else info[index] = 2;
    });
    this.reply(batch, { _: 'msgs_state_info', reqMsgId: msgId, info });
  }

  private call(batch: Batch, msgId: bigint, body: Uint8Array): void {
    const { connection, session, key } = batch;
    const ctx = this.rpcContext(batch, msgId);
    this.shared.activeSession = session;
    let outcome: ReturnType<typeof dispatchCall>;
    try {
      outcome = dispatchCall(ctx, body, { floodWait: (method) => connection.takeFloodWait(method) });
    } finally {
      this.shared.activeSession = undefined;
    }
    if (outcome.report.missingLayer) {
      connection.violation('api-call-before-layer', `${outcome.report.method} called before any invokeWithLayer on this auth key`);
    }
    if (!outcome.report.withoutUpdates) session.wantsUpdates = true;
    connection.userId = this.keys.userOf(key, Date.now() / 1000);
    session.rememberAnswer(msgId, outcome.result);
    batch.out.push({ body: outcome.result, contentRelated: true });
    batch.answered.add(msgId);
  }

  private rpcContext(batch: Batch, msgId: bigint): RpcContext {
    const { connection, session, key } = batch;
    const world = this.shared.world;
    const keys = this.keys;
    const userId = () => keys.userOf(key, Date.now() / 1000);
    return {
      shared: this.shared,
      dcId: this.dcId,
      connection,
      session,
      key,
      msgId,
      now: batch.now,
      user: () => {
        const id = userId();
        return id === undefined ? undefined : world.users.get(id);
      },
      requireUser: () => {
        const id = userId();
        const user = id === undefined ? undefined : world.users.get(id);
        if (user === undefined) throw new RpcFailure(401, 'AUTH_KEY_UNREGISTERED');
        return user;
      },
      authorize: (id) => keys.authorize(key, id, Date.now() / 1000),
      dropTempKeys: (except) => {
        for (const record of keys.all()) {
          if (record.temp && record.boundTo === key.id && !except.includes(record.id)) keys.delete(record.id);
        }
      },
      permanentKey: (id) => {
        const found = keys.get(id, Date.now() / 1000);
        return found !== undefined && !found.temp ? found : undefined;
      },
    };
  }

  /** Sends what the batch collected, with a msgs_ack for content messages left unanswered. */
  private flush(batch: Batch): void {
    const acks = batch.session.takePendingAcks().filter((id) => !batch.answered.has(id));
    if (acks.length > 0) batch.out.push({ body: serializeTl({ _: 'msgs_ack', msgIds: acks } as Tl<'msgs_ack'>), contentRelated: false });
    if (batch.out.length === 0) return;
    batch.session.send(batch.connection, batch.out, 'response', {
      nowMs: batch.now * 1000,
      salt: batch.key.salts.current(Date.now() / 1000),
    });
  }

  // ---- pushed updates ------------------------------------------------------------------------

  private push(delivery: Delivery): void {
    const world = this.shared.world;
    const user = world.users.get(delivery.userId);
    if (user === undefined || user.homeDc !== this.dcId) return;
    const bodies = new Map<number | undefined, Uint8Array>();
    let update: unknown;
    const realNow = Date.now() / 1000;
    for (const session of this.sessions.values()) {
      if (session === this.shared.activeSession) continue;
      const connection = session.connection;
      if (connection === undefined || connection.closed || !session.wantsUpdates) continue;
      if (this.keys.userOf(session.key, realNow) !== delivery.userId) continue;
      if (update === undefined) update = updatesFor(this.shared.world, delivery);
      let body = bodies.get(session.key.layer);
      if (body === undefined) {
        body = serializeForLayer(update, session.key.layer);
        bodies.set(session.key.layer, body);
      }
      session.send(connection, [{ body, contentRelated: true }], 'push', {
        nowMs: Date.now() + connection.clockSkewSeconds * 1000,
        salt: session.key.salts.current(realNow),
      });
    }
  }

  sessionCount(): number {
    return this.sessions.size;
  }
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/** rpc_result with an already serialized result. */
function encodeSimpleRpcResult(reqMsgId: bigint, result: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + result.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xf35c6d01, true);
  view.setBigInt64(4, reqMsgId, true);
  out.set(result, 12);
  return out;
}
