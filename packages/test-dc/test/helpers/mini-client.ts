/**
 * A deliberately small, hand-rolled MTProto client for the test DC's own tests: auth-key exchange
 * (every p_q_inner_data variant, RSA_PAD or legacy RSA), MTProto 2.0 messages, containers, and
 * raw access to everything it sends, so tests can also send what a broken client would.
 */
import {
  readContainerEntries,
  readObject,
  serializeTl,
  TL_LAYER,
  TlReader,
  type Tl,
  type TlObject,
} from '@x/mtproto-core';
import { createDiffieHellman, type DiffieHellman } from 'node:crypto';
import { DH_PRIME, isSafeDhValue } from '../../src/crypto/dh.js';
import { readLayeredObject } from '../../src/layers/layered-reader.js';
import { authKeyHashes, handshakeTmpKey, newNonceHash } from '../../src/crypto/handshake-crypto.js';
import { aesIgeDecrypt, aesIgeEncrypt, gunzip, randomBytes, sha1 } from '../../src/crypto/node-crypto.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, readInt64 } from '../../src/util/bytes.js';
import { TestCarrier, type CarrierOptions } from './carrier.js';
import { decryptServerMessage, encryptClientMessage, factorize, rsaLegacyEncrypt, rsaPadEncrypt, type PublicKey } from './client-crypto.js';

export interface AuthKey {
  key: Uint8Array;
  id: bigint;
  idBytes: Uint8Array;
  salt: bigint;
  /** server time − local time, seconds. */
  timeOffset: number;
}

export interface HandshakeOptions {
  publicKey: PublicKey;
  inner?: 'p_q_inner_data' | 'p_q_inner_data_dc' | 'p_q_inner_data_temp' | 'p_q_inner_data_temp_dc';
  scheme?: 'rsa_pad' | 'legacy';
  dc?: number;
  expiresIn?: number;
  useOldReqPq?: boolean;
  /** Send this g_b instead of a computed one (to provoke dh_gen_fail). */
  gB?: bigint;
}

export interface InboxMessage {
  msgId: bigint;
  seqNo: number;
  object: any;
  /** The rpc_result's result came gzip_packed. */
  gzipped?: boolean;
  /** It arrived inside a msg_container. */
  inContainer?: boolean;
}

export class RpcErrorResult extends Error {
  constructor(readonly errorCode: number, readonly errorMessage: string) {
    super(`${errorCode} ${errorMessage}`);
  }
}

type Waiter = { predicate: (message: InboxMessage) => boolean; resolve: (message: InboxMessage) => void };

export class MiniClient {
  carrier!: TestCarrier;
  readonly quickAcks: number[] = [];
  readonly transportErrors: number[] = [];
  closeInfo: { code?: number; reason?: string; error?: Error } | undefined;
  authKey: AuthKey | undefined;
  sessionId = readInt64(randomBytes(8), 0);
  /** Everything decrypted so far (containers expanded, gzip unpacked). */
  readonly inbox: InboxMessage[] = [];
  /** Packets that failed msg_key / decryption. */
  readonly undecryptable: Uint8Array[] = [];
  private readonly plainPackets: Uint8Array[] = [];
  private plainWaiters: { resolve: (packet: Uint8Array) => void; reject: (error: Error) => void }[] = [];
  private waiters: Waiter[] = [];
  private closeWaiters: (() => void)[] = [];
  private contentSent = 0;
  private lastMsgId = 0n;
  private pendingAcks: bigint[] = [];

  static async open(options: CarrierOptions): Promise<MiniClient> {
    const client = new MiniClient();
    client.carrier = await TestCarrier.open(options, {
      packet: (data) => client.onPacket(data),
      quickAck: (token) => client.quickAcks.push(token),
      transportError: (code) => client.transportErrors.push(code),
      closed: (info) => {
        client.closeInfo = info;
        for (const waiter of client.closeWaiters.splice(0)) waiter();
        for (const waiter of client.plainWaiters.splice(0)) waiter.reject(new Error('connection closed'));
      },
    });
    return client;
  }

  close(): void {
    this.carrier.close();
  }

  /** Resolves when the server closed the connection (or after timeout: rejects). */
  waitClosed(timeoutMs = 10_000): Promise<{ code?: number; reason?: string; error?: Error }> {
    if (this.closeInfo) return Promise.resolve(this.closeInfo);
    return withTimeout(new Promise((resolve) => this.closeWaiters.push(() => resolve(this.closeInfo ?? {}))), timeoutMs, 'server did not close');
  }

  // ---- unencrypted ----------------------------------------------------------------------------

  private onPacket(data: Uint8Array): void {
    if (readInt64(data, 0) === 0n) {
      const waiter = this.plainWaiters.shift();
      if (waiter) waiter.resolve(data);
      else this.plainPackets.push(data);
      return;
    }
    const key = this.authKey;
    const plain = key ? decryptServerMessage(key.key, data) : undefined;
    if (plain === undefined) {
      this.undecryptable.push(data);
      return;
    }
    const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
    const msgId = view.getBigInt64(16, true);
    const seqNo = view.getInt32(24, true);
    const length = view.getInt32(28, true);
    this.accept(msgId, seqNo, plain.subarray(32, 32 + length));
  }

  private accept(msgId: bigint, seqNo: number, body: Uint8Array, inContainer = false): void {
    if (seqNo & 1) this.pendingAcks.push(msgId);
    const id = new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true);
    if (id === 0x73f1f8dc) {
      for (const entry of readContainerEntries(new TlReader(body, 4))) this.accept(entry.msgId, entry.seqNo, entry.body, true);
      return;
    }
    // Read through the layer history too, so that tests can act as clients of older layers.
    let object: any;
    if (id === 0xf35c6d01) {
      // rpc_result: its `result` may be of another layer, which the core decoder does not know.
      const reader = new TlReader(body, 4);
      const reqMsgId = reader.int64();
      object = { _: 'rpc_result', reqMsgId, result: readLayeredObject(reader) };
    } else {
      object = readLayeredObject(new TlReader(body));
    }
    const gzipped = object._ === 'rpc_result' && object.result?._ === 'gzip_packed';
    if (gzipped) object = { ...object, result: readLayeredObject(new TlReader(gunzip(object.result.packedData, 1 << 24))) };
    const message: InboxMessage = { msgId, seqNo, object, ...(gzipped ? { gzipped } : {}), ...(inContainer ? { inContainer } : {}) };
    this.inbox.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }

  nextPlainPacket(timeoutMs = 10_000): Promise<Uint8Array> {
    const queued = this.plainPackets.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closeInfo) return Promise.reject(new Error('connection closed'));
    return withTimeout(new Promise((resolve, reject) => this.plainWaiters.push({ resolve, reject })), timeoutMs, 'no unencrypted answer');
  }

  newMsgId(): bigint {
    const now = Date.now() / 1000 + (this.authKey?.timeOffset ?? 0);
    let id = (BigInt(Math.floor(now)) << 32n) | (BigInt(Math.floor((now % 1) * 2 ** 32)) & ~3n);
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n;
    this.lastMsgId = id;
    return id;
  }

  /** An unencrypted message: auth_key_id 0 | msg_id | length | body. */
  plainPacket(body: Uint8Array, msgId = this.newMsgId()): Uint8Array {
    const packet = new Uint8Array(20 + body.length);
    const view = new DataView(packet.buffer);
    view.setBigInt64(8, msgId, true);
    view.setInt32(16, body.length, true);
    packet.set(body, 20);
    return packet;
  }

  sendPlain(body: Uint8Array, msgId = this.newMsgId()): void {
    this.carrier.send(this.plainPacket(body, msgId));
  }

  /** The server's id for this connection. */
  connectionId(list: { id: number; remote: string }[]): number {
    const port = this.carrier.localPort;
    const found = list.find((info) => info.remote.endsWith(`:${port}`));
    if (found === undefined) throw new Error(`connection with local port ${port} not found`);
    return found.id;
  }

  async plainCall(request: TlObject | Record<string, unknown>): Promise<any> {
    this.sendPlain(serializeTl(request as TlObject));
    const packet = await this.nextPlainPacket();
    const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    const msgId = view.getBigInt64(8, true);
    if ((msgId & 3n) !== 1n) throw new Error(`server msg_id ${msgId} of an answer is not ≡ 1 mod 4`);
    const length = view.getInt32(16, true);
    return readObject(new TlReader(packet.subarray(20, 20 + length)));
  }

  // ---- auth key exchange (protocol notes §6) --------------------------------------------------

  async createAuthKey(options: HandshakeOptions): Promise<AuthKey> {
    const nonce = randomBytes(16);
    const resPq: Tl<'resPQ'> = await this.plainCall({ _: options.useOldReqPq ? 'req_pq' : 'req_pq_multi', nonce });
    if (resPq._ !== 'resPQ' || Buffer.compare(Buffer.from(resPq.nonce), Buffer.from(nonce)) !== 0) throw new Error('resPQ: bad nonce');
    if (!resPq.serverPublicKeyFingerprints.includes(options.publicKey.fingerprint)) throw new Error('resPQ: our key is not offered');
    const [p, q] = factorize(bytesToBigInt(resPq.pq));
    const newNonce = randomBytes(32);
    const inner = options.inner ?? 'p_q_inner_data_dc';
    const data = serializeTl({
      _: inner,
      pq: resPq.pq,
      p: bigIntToBytes(p),
      q: bigIntToBytes(q),
      nonce,
      serverNonce: resPq.serverNonce,
      newNonce,
      ...(inner.endsWith('_dc') ? { dc: options.dc ?? 1 } : {}),
      ...(inner.includes('temp') ? { expiresIn: options.expiresIn ?? 3600 } : {}),
    } as unknown as TlObject);
    const encryptedData = options.scheme === 'legacy' ? rsaLegacyEncrypt(data, options.publicKey) : rsaPadEncrypt(data, options.publicKey);
    const dhParams: any = await this.plainCall({
      _: 'req_DH_params',
      nonce,
      serverNonce: resPq.serverNonce,
      p: bigIntToBytes(p),
      q: bigIntToBytes(q),
      publicKeyFingerprint: options.publicKey.fingerprint,
      encryptedData,
    });
    if (dhParams._ !== 'server_DH_params_ok') throw new Error(`req_DH_params answered ${dhParams._}`);
    const { key: tmpKey, iv: tmpIv } = handshakeTmpKey(newNonce, resPq.serverNonce);
    const answerWithHash = aesIgeDecrypt(dhParams.encryptedAnswer, tmpKey, tmpIv);
    const reader = new TlReader(answerWithHash, 20);
    const answer = readObject(reader) as Tl<'server_DH_inner_data'>;
    if (Buffer.compare(Buffer.from(sha1(answerWithHash.subarray(20, reader.position))), Buffer.from(answerWithHash.subarray(0, 20))) !== 0) {
      throw new Error('server_DH_inner_data: SHA1 mismatch');
    }
    if (answerWithHash.length - reader.position >= 16) throw new Error('server_DH_inner_data: too much padding');
    if (answer.g !== 3 || bytesToBigInt(answer.dhPrime) !== DH_PRIME) throw new Error('unexpected DH parameters');
    const gA = bytesToBigInt(answer.gA);
    if (!isSafeDhValue(gA)) throw new Error('g_a out of range');
    const timeOffset = answer.serverTime - Math.floor(Date.now() / 1000);
    let retryId = 0n;
    for (let attempt = 0; attempt < 5; attempt++) {
      const dh = clientDh();
      const b = randomBytes(256);
      dh.setPrivateKey(b);
      const gB = options.gB ?? bytesToBigInt(dh.generateKeys());
      const innerData = serializeTl({ _: 'client_DH_inner_data', nonce, serverNonce: resPq.serverNonce, retryId, gB: bigIntToBytes(gB) } as TlObject);
      const withHash = concatBytes(sha1(innerData), innerData);
      const padded = concatBytes(withHash, randomBytes((16 - (withHash.length % 16)) % 16));
      const result: any = await this.plainCall({
        _: 'set_client_DH_params',
        nonce,
        serverNonce: resPq.serverNonce,
        encryptedData: aesIgeEncrypt(padded, tmpKey, tmpIv),
      });
      dh.setPrivateKey(b);
      const authKey = bigIntToBytes(bytesToBigInt(dh.computeSecret(answer.gA)), 256);
      const { auxHash, keyIdBytes } = authKeyHashes(authKey);
      if (result._ === 'dh_gen_fail') throw new Error('dh_gen_fail');
      const n = result._ === 'dh_gen_ok' ? 1 : 2;
      const expected = newNonceHash(newNonce, n, auxHash);
      const got: Uint8Array = result[`newNonceHash${n}`];
      if (Buffer.compare(Buffer.from(expected), Buffer.from(got)) !== 0) throw new Error(`${result._}: new_nonce_hash${n} mismatch`);
      if (result._ === 'dh_gen_retry') {
        retryId = readInt64(auxHash, 0);
        continue;
      }
      if (result._ !== 'dh_gen_ok') throw new Error('dh_gen_fail');
      this.authKey = {
        key: authKey,
        id: readInt64(keyIdBytes, 0),
        idBytes: keyIdBytes,
        salt: readInt64(newNonce, 0) ^ readInt64(resPq.serverNonce, 0),
        timeOffset,
      };
      return this.authKey;
    }
    throw new Error('too many dh_gen_retry');
  }

  // ---- encrypted ------------------------------------------------------------------------------

  nextSeqNo(contentRelated: boolean): number {
    return contentRelated ? this.contentSent++ * 2 + 1 : this.contentSent * 2;
  }

  /** Encrypts and sends one message; every header field can be overridden to break the rules. */
  sendEncrypted(
    body: Uint8Array,
    options: { contentRelated?: boolean; msgId?: bigint; seqNo?: number; salt?: bigint; sessionId?: bigint; padding?: number; quickAck?: boolean } = {},
  ): { msgId: bigint; seqNo: number; quickAckToken: number } {
    const key = this.requireKey();
    const msgId = options.msgId ?? this.newMsgId();
    const seqNo = options.seqNo ?? this.nextSeqNo(options.contentRelated ?? true);
    const unpadded = 32 + body.length;
    const padding = options.padding ?? 12 + ((16 - ((unpadded + 12) % 16)) % 16);
    const plaintext = new Uint8Array(unpadded + padding);
    const view = new DataView(plaintext.buffer);
    view.setBigInt64(0, options.salt ?? key.salt, true);
    view.setBigInt64(8, options.sessionId ?? this.sessionId, true);
    view.setBigInt64(16, msgId, true);
    view.setInt32(24, seqNo, true);
    view.setInt32(28, body.length, true);
    plaintext.set(body, 32);
    plaintext.set(randomBytes(padding), unpadded);
    const { packet, msgKeyLarge } = encryptClientMessage(key.key, key.idBytes, plaintext);
    this.carrier.send(packet, { quickAck: options.quickAck });
    const token = ((msgKeyLarge[0] | (msgKeyLarge[1] << 8) | (msgKeyLarge[2] << 16) | (msgKeyLarge[3] << 24)) | 0x80000000) >>> 0;
    return { msgId, seqNo, quickAckToken: token };
  }

  /** Sends several messages in one msg_container. */
  sendContainer(bodies: { body: Uint8Array; contentRelated?: boolean }[]): bigint[] {
    const entries = bodies.map((item) => ({ msgId: this.newMsgId(), seqNo: this.nextSeqNo(item.contentRelated ?? true), body: item.body }));
    let size = 8;
    for (const entry of entries) size += 16 + entry.body.length;
    const container = new Uint8Array(size);
    const view = new DataView(container.buffer);
    view.setUint32(0, 0x73f1f8dc, true);
    view.setInt32(4, entries.length, true);
    let at = 8;
    for (const entry of entries) {
      view.setBigInt64(at, entry.msgId, true);
      view.setInt32(at + 8, entry.seqNo, true);
      view.setInt32(at + 12, entry.body.length, true);
      container.set(entry.body, at + 16);
      at += 16 + entry.body.length;
    }
    this.sendEncrypted(container, { contentRelated: false });
    return entries.map((entry) => entry.msgId);
  }

  /** Waits for a decrypted message matching `predicate` (already received ones count). */
  waitFor(predicate: (message: InboxMessage) => boolean, timeoutMs = 10_000, description = 'message'): Promise<InboxMessage> {
    const found = this.inbox.find(predicate);
    if (found) return Promise.resolve(found);
    return withTimeout(
      new Promise((resolve) => this.waiters.push({ predicate, resolve })),
      timeoutMs,
      `no ${description} within ${timeoutMs} ms`,
      () => (this.waiters = this.waiters.filter((waiter) => waiter.predicate !== predicate)),
    );
  }

  /** Sends acks for content-related server messages received so far. */
  flushAcks(): void {
    if (this.pendingAcks.length === 0 || this.authKey === undefined) return;
    const msgIds = this.pendingAcks.splice(0);
    this.sendEncrypted(serializeTl({ _: 'msgs_ack', msgIds } as TlObject), { contentRelated: false });
  }

  /**
   * Calls a method and returns its result, following bad_server_salt / bad_msg 16/17 like a real
   * client. `layer` wraps it in invokeWithLayer(initConnection(...)).
   */
  async invoke(method: Record<string, unknown> & { _: string }, options: { layer?: boolean; timeoutMs?: number } = {}): Promise<any> {
    this.flushAcks();
    const body = serializeTl(
      (options.layer
        ? {
            _: 'invokeWithLayer',
            layer: TL_LAYER,
            query: {
              _: 'initConnection',
              apiId: 1,
              deviceModel: 'test',
              systemVersion: 'node',
              appVersion: '1.0',
              systemLangCode: 'en',
              langPack: '',
              langCode: 'en',
              query: method,
            },
          }
        : method) as unknown as TlObject,
    );
    for (let attempt = 0; attempt < 4; attempt++) {
      const { msgId } = this.sendEncrypted(body);
      const answer = await this.waitFor(
        (message) =>
          (message.object._ === 'rpc_result' && message.object.reqMsgId === msgId) ||
          ((message.object._ === 'bad_server_salt' || message.object._ === 'bad_msg_notification') && message.object.badMsgId === msgId),
        options.timeoutMs ?? 10_000,
        `answer to ${method._}`,
      );
      const object = answer.object;
      if (object._ === 'bad_server_salt') {
        this.requireKey().salt = object.newServerSalt;
        continue;
      }
      if (object._ === 'bad_msg_notification') {
        if (object.errorCode === 16 || object.errorCode === 17) {
          this.requireKey().timeOffset = Number(answer.msgId >> 32n) - Date.now() / 1000;
          // Clock ahead: msg_ids must go down, which only a new session allows (as TDLib does).
          if (object.errorCode === 17) this.newSession();
          continue;
        }
        throw new Error(`bad_msg_notification ${object.errorCode}`);
      }
      if (object.result?._ === 'rpc_error') throw new RpcErrorResult(object.result.errorCode, object.result.errorMessage);
      return object.result;
    }
    throw new Error(`${method._}: gave up after repeated bad_server_salt / bad_msg_notification`);
  }

  /** A fresh session_id with fresh msg_id and seq_no counters. */
  newSession(): void {
    this.sessionId = readInt64(randomBytes(8), 0);
    this.contentSent = 0;
    this.lastMsgId = 0n;
    this.pendingAcks = [];
  }

  private requireKey(): AuthKey {
    if (this.authKey === undefined) throw new Error('no auth key yet');
    return this.authKey;
  }
}

let dhContext: DiffieHellman | undefined;
/** One OpenSSL DH context (creating one runs a slow primality check); re-keyed per handshake. */
function clientDh(): DiffieHellman {
  dhContext ??= createDiffieHellman(bigIntToBytes(DH_PRIME), Uint8Array.of(3));
  return dhContext;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(message));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
