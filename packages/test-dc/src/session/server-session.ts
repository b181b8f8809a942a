/**
 * One MTProto session (auth key + client-chosen session_id) seen from the server: what was
 * received (duplicates, seq_no order), what must be acknowledged, the server's own msg_id and
 * seq_no counters, cached answers for repeated requests, and packing of outgoing messages into
 * one encrypted packet (a msg_container when there are several).
 */
import { encryptServerMessage } from '../crypto/message-crypto.js';
import { randomBytes, randomFill } from '../crypto/node-crypto.js';
import type { Connection } from '../net/connection.js';
import type { AuthKeyRecord } from './auth-keys.js';
import { ServerMsgIds } from './server-msg-id.js';

export interface OutgoingMessage {
  body: Uint8Array;
  contentRelated: boolean;
}

interface ReceivedEntry {
  seqNo: number;
  /** Serialized rpc_result body answering it, resent if the client repeats the msg_id. */
  answer?: Uint8Array;
}

const RECEIVED_WINDOW = 4096;
const SENT_WINDOW = 512;
const MSG_CONTAINER = 0x73f1f8dc;

export class ServerSession {
  readonly key: AuthKeyRecord;
  readonly sessionId: bigint;
  readonly uniqueId: bigint;
  /** The connection the client used last: answers and pushes go there. */
  connection: Connection | undefined;
  /** False after a request with invokeWithoutUpdates only... true once any normal request came. */
  wantsUpdates = false;
  /**
   * Shared by every session object of the same auth key: a client session the server forgot and
   * re-creates must never see a msg_id again (clients drop repeats as replays).
   */
  private readonly msgIds: ServerMsgIds;
  private contentSent = 0;
  private readonly received = new Map<bigint, ReceivedEntry>();
  /** Odd seq_nos received, by msg_id, for the seq_no order checks. */
  private readonly contentReceived: { msgId: bigint; seqNo: number }[] = [];
  private maxReceived = 0n;
  private readonly pendingAcks: bigint[] = [];
  private readonly sent = new Map<bigint, { body: Uint8Array; seqNo: number }>();
  /** Server messages not yet acknowledged by the client. */
  readonly unacked = new Set<bigint>();

  constructor(key: AuthKeyRecord, sessionId: bigint, msgIds: ServerMsgIds = new ServerMsgIds()) {
    this.key = key;
    this.sessionId = sessionId;
    this.msgIds = msgIds;
    this.uniqueId = new DataView(randomBytes(8).buffer).getBigInt64(0, true);
  }

  get highestReceivedMsgId(): bigint {
    return this.maxReceived;
  }

  /** Oldest msg_id still remembered (older repeats cannot be told from new ones: bad_msg 20). */
  get windowFloor(): bigint | undefined {
    if (this.received.size < RECEIVED_WINDOW) return undefined;
    return this.received.keys().next().value;
  }

  hasReceived(msgId: bigint): boolean {
    return this.received.has(msgId);
  }

  cachedAnswer(msgId: bigint): Uint8Array | undefined {
    return this.received.get(msgId)?.answer;
  }

  /**
   * seq_no order (bad_msg 32/33) for a content-related message: a lower msg_id must not carry a
   * higher-or-equal seq_no, and the reverse.
   */
  checkSeqOrder(msgId: bigint, seqNo: number): 32 | 33 | undefined {
    for (const entry of this.contentReceived) {
      if (entry.msgId < msgId && entry.seqNo >= seqNo) return 32;
      if (entry.msgId > msgId && entry.seqNo <= seqNo) return 33;
    }
    return undefined;
  }

  /** `ackable`: false for acks and containers, which are never acknowledged even if marked odd. */
  recordReceived(msgId: bigint, seqNo: number, ackable = true): void {
    this.received.set(msgId, { seqNo });
    if (this.received.size > RECEIVED_WINDOW) this.received.delete(this.received.keys().next().value as bigint);
    if (msgId > this.maxReceived) this.maxReceived = msgId;
    if (seqNo & 1) {
      this.contentReceived.push({ msgId, seqNo });
      if (this.contentReceived.length > 256) this.contentReceived.shift();
      if (ackable) this.pendingAcks.push(msgId);
    }
  }

  rememberAnswer(reqMsgId: bigint, answer: Uint8Array): void {
    const entry = this.received.get(reqMsgId);
    if (entry) entry.answer = answer;
  }

  takePendingAcks(): bigint[] {
    return this.pendingAcks.splice(0);
  }

  acknowledge(msgIds: readonly bigint[]): void {
    for (const id of msgIds) this.unacked.delete(id);
  }

  /** A previously sent message (msg_resend_req). */
  sentMessage(msgId: bigint): { body: Uint8Array; seqNo: number } | undefined {
    return this.sent.get(msgId);
  }

  /**
   * Packs `messages` into one encrypted packet (a container when there are several) and sends it
   * on `connection`. `kind` picks the msg_id residue (1 for answers, 3 for pushes).
   */
  send(
    connection: Connection,
    messages: OutgoingMessage[],
    kind: 'response' | 'push',
    options: { nowMs: number; salt: bigint },
  ): bigint[] {
    if (messages.length === 0 || connection.closed) return [];
    const ids: bigint[] = [];
    const inner: { msgId: bigint; seqNo: number; body: Uint8Array }[] = [];
    for (const message of messages) {
      const msgId = this.msgIds.next(kind, options.nowMs);
      const seqNo = this.nextSeqNo(message.contentRelated);
      inner.push({ msgId, seqNo, body: message.body });
      ids.push(msgId);
      if (message.contentRelated) this.unacked.add(msgId);
      this.sent.set(msgId, { body: message.body, seqNo });
      if (this.sent.size > SENT_WINDOW) this.sent.delete(this.sent.keys().next().value as bigint);
    }
    let top: { msgId: bigint; seqNo: number; body: Uint8Array };
    if (inner.length === 1) top = inner[0];
    else {
      let size = 8;
      for (const message of inner) size += 16 + message.body.length;
      const body = new Uint8Array(size);
      const view = new DataView(body.buffer);
      view.setUint32(0, MSG_CONTAINER, true);
      view.setInt32(4, inner.length, true);
      let at = 8;
      for (const message of inner) {
        view.setBigInt64(at, message.msgId, true);
        view.setInt32(at + 8, message.seqNo, true);
        view.setInt32(at + 12, message.body.length, true);
        body.set(message.body, at + 16);
        at += 16 + message.body.length;
      }
      top = { msgId: this.msgIds.next(kind, options.nowMs), seqNo: this.nextSeqNo(false), body };
    }
    this.sendEncrypted(connection, top, options.salt);
    return ids;
  }

  /** Resends an already numbered message as is (msg_resend_req). */
  resend(connection: Connection, msgId: bigint, salt: bigint): boolean {
    const sent = this.sent.get(msgId);
    if (sent === undefined) return false;
    this.sendEncrypted(connection, { msgId, seqNo: sent.seqNo, body: sent.body }, salt);
    return true;
  }

  private nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.contentSent * 2;
    return this.contentSent++ * 2 + 1;
  }

  private sendEncrypted(connection: Connection, message: { msgId: bigint; seqNo: number; body: Uint8Array }, salt: bigint): void {
    const plaintext = buildPlaintext(salt, this.sessionId, message.msgId, message.seqNo, message.body);
    const wrongKey = connection.takeFault('wrongMsgKey') ? randomBytes(16) : undefined;
    connection.sendPacket(encryptServerMessage(this.key.key, this.key.idBytes, plaintext, wrongKey));
  }
}

/** salt | session_id | msg_id | seq_no | length | body | 12..1024 random padding (total ≡ 0 mod 16). */
export function buildPlaintext(salt: bigint, sessionId: bigint, msgId: bigint, seqNo: number, body: Uint8Array): Uint8Array {
  const unpadded = 32 + body.length;
  let padding = 12 + ((16 - ((unpadded + 12) % 16)) % 16);
  // A little random extra, as real servers vary their padding; stays far below 1024.
  padding += 16 * (randomBytes(1)[0] & 3);
  const out = new Uint8Array(unpadded + padding);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, salt, true);
  view.setBigInt64(8, sessionId, true);
  view.setBigInt64(16, msgId, true);
  view.setInt32(24, seqNo, true);
  view.setInt32(28, body.length, true);
  out.set(body, 32);
  randomFill(out.subarray(unpadded));
  return out;
}
