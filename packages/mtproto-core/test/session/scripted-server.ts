/**
 * A scripted MTProto server for the session tests: the server side of the auth-key exchange (with
 * its own RSA key pair from node:crypto) and an encrypted responder whose every answer the test can
 * shape or break. It runs behind the in-memory transport; one ScriptedServer is one "DC" and keeps
 * its keys and sessions across connections.
 *
 * Written from the protocol spec, independently of the client session code: it shares only the TL
 * codec, the crypto primitives and the transport codecs.
 */
import { constants, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import type { MemoryLinkEnd } from '../../src/index.js';
import {
  bigIntToBytes,
  bytesToBigInt,
  computeMsgKey,
  computeNewNonceHash,
  deriveMessageKey,
  deriveTmpAesKeyIv,
  memoryTransport,
  MemoryPeer,
  parseRsaPublicKey,
  readObject,
  serializeTl,
  TELEGRAM_DH_PRIME,
  TlReader,
  TlWriter,
  writeObject,
  type CryptoProvider,
  type RsaPublicKey,
  type Tl,
  type TlObject,
  type TransportFactory,
} from '../../src/index.js';
import { nodeCryptoProvider } from '../../src/crypto/provider.node.js';

export const crypto: CryptoProvider = nodeCryptoProvider;

// ---------------------------------------------------------------- RSA key pair (once per test file)

export interface ServerRsaKey {
  publicKey: RsaPublicKey;
  privateKey: KeyObject;
}

let sharedRsa: ServerRsaKey | undefined;

export function serverRsaKey(): ServerRsaKey {
  if (!sharedRsa) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
    const pem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    sharedRsa = { publicKey: parseRsaPublicKey(crypto, pem), privateKey };
  }
  return sharedRsa;
}

// ---------------------------------------------------------------- helpers

const ID_MSG_CONTAINER = 0x73f1f8dc;
const ID_GZIP_PACKED = 0x3072cfa1;
const ID_RPC_RESULT = 0xf35c6d01;
const ID_VECTOR = 0x1cb5c415;

export function readLong(bytes: Uint8Array, offset: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(offset, true);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A decoded TL value on the server side, typed loosely: the scripts read whatever fields they need. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTl = { _: string; [field: string]: any };

/** A serialized TL result: an object, a Bool, a vector of longs, or raw bytes. */
export type ResultValue = TlObject | boolean | bigint[] | Uint8Array;

export function serializeResult(value: ResultValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const w = new TlWriter(256);
  if (typeof value === 'boolean') w.bool(value);
  else if (Array.isArray(value)) {
    w.uint32(ID_VECTOR);
    w.int32(value.length);
    for (const item of value) w.int64(item);
  } else writeObject(w, value);
  return w.toBytes();
}

export function gzipPacked(body: Uint8Array): Uint8Array {
  const w = new TlWriter(body.length + 64);
  w.uint32(ID_GZIP_PACKED);
  w.bytes(crypto.gzip(body));
  return w.toBytes();
}

export function rpcResultBody(reqMsgId: bigint, result: Uint8Array): Uint8Array {
  const w = new TlWriter(result.length + 16);
  w.uint32(ID_RPC_RESULT);
  w.int64(reqMsgId);
  w.raw(result);
  return w.toBytes();
}

export function rpcErrorBody(reqMsgId: bigint, code: number, message: string): Uint8Array {
  return rpcResultBody(reqMsgId, serializeTl({ _: 'rpc_error', errorCode: code, errorMessage: message }));
}

export interface PlaintextFields {
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Uint8Array;
  /** Padding bytes; default: 12..27 so the total is a multiple of 16. */
  padding?: number;
  /** message_data_length to write instead of body.length. */
  lengthField?: number;
}

export function buildPlaintext(fields: PlaintextFields): Uint8Array {
  const bodyLength = fields.body.length;
  const padding = fields.padding ?? 12 + ((16 - ((32 + bodyLength + 12) % 16)) % 16);
  const out = new Uint8Array(32 + bodyLength + padding);
  const view = new DataView(out.buffer);
  view.setBigInt64(0, fields.salt, true);
  view.setBigInt64(8, fields.sessionId, true);
  view.setBigInt64(16, fields.msgId, true);
  view.setInt32(24, fields.seqNo, true);
  view.setInt32(28, fields.lengthField ?? bodyLength, true);
  out.set(fields.body, 32);
  crypto.randomFill(out.subarray(32 + bodyLength));
  return out;
}

/** MTProto 2.0 encryption as the server does it (x = 8), written here from the spec. */
export function encryptFromServer(authKey: Uint8Array, plaintext: Uint8Array, tamper?: { msgKey?: boolean; keyId?: boolean }): Uint8Array {
  const msgKey = computeMsgKey(crypto, authKey, plaintext, 8);
  const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 8);
  const encrypted = crypto.aesIgeEncrypt(plaintext, key, iv);
  const keyId = Uint8Array.from(crypto.sha1(authKey).subarray(12, 20));
  if (tamper?.keyId) keyId[0] ^= 1;
  const sentKey = Uint8Array.from(msgKey);
  if (tamper?.msgKey) sentKey[0] ^= 1;
  return concat(keyId, sentKey, encrypted);
}

/** Decryption of a client packet (x = 0) with every check a server makes. */
export function decryptFromClient(authKey: Uint8Array, packet: Uint8Array): Uint8Array {
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = deriveMessageKey(crypto, authKey, msgKey, 0);
  const plaintext = crypto.aesIgeDecrypt(packet.subarray(24), key, iv);
  const expected = computeMsgKey(crypto, authKey, plaintext, 0);
  if (Buffer.compare(expected, msgKey) !== 0) throw new Error('scripted server: client msg_key mismatch');
  const length = new DataView(plaintext.buffer, plaintext.byteOffset).getInt32(28, true);
  const padding = plaintext.length - 32 - length;
  if (length % 4 !== 0 || padding < 12 || padding > 1024) throw new Error(`scripted server: client padding ${padding}`);
  return plaintext;
}

// ---------------------------------------------------------------- what the server saw

export interface ClientMessage {
  connection: number;
  sessionId: bigint;
  salt: bigint;
  /** msg_id of the packet (the container's id for messages inside a container). */
  packetMsgId: bigint;
  msgId: bigint;
  seqNo: number;
  inContainer: boolean;
  gzipped: boolean;
  /** True when the body was invokeWithLayer(initConnection(...)). */
  wrapped: boolean;
  layer?: number;
  init?: Omit<Tl<'initConnection'>, 'query'>;
  /** The body, unwrapped from gzip_packed and invokeWithLayer/initConnection. */
  object: AnyTl;
}

export interface Call {
  message: ClientMessage;
  method: AnyTl;
  connection: ScriptedConnection;
  /** The rpc_result body for `result` (to send later or inside a container). */
  resultBody(result: ResultValue, options?: { gzip?: boolean }): Uint8Array;
  reply(result: ResultValue, options?: { gzip?: boolean }): void;
  error(code: number, message: string): void;
}

export interface HandshakeFaults {
  resPQ?(answer: Tl<'resPQ'>): void;
  dhParams?(answer: Tl<'server_DH_params_ok'>): TlObject | void;
  serverDhInner?(inner: Tl<'server_DH_inner_data'>): void;
  /** `SHA1(answer) ‖ answer ‖ padding` before encryption. */
  answerWithHash?(plain: Uint8Array): Uint8Array;
  /** Replace the dh_gen answer; `attempt` counts set_client_DH_params of this exchange from 0. */
  dhGen?(answer: Tl<'dh_gen_ok'>, context: { attempt: number; authKey: Uint8Array; newNonce: Uint8Array }): TlObject | void;
}

export interface ScriptedServerOptions {
  dcId?: number;
  /** Server clock minus real clock, seconds. */
  clockSkew?: number;
  /** Check client msg_ids against the server clock and answer bad_msg_notification 16/17. Default true. */
  checkTime?: boolean;
  /** Answer bad_server_salt when the client uses another salt. Default true. */
  checkSalt?: boolean;
  /** Send new_session_created for a session id seen the first time. Default true. */
  announceSessions?: boolean;
}

interface ServerSession {
  contentCount: number;
}

export class ScriptedServer {
  readonly rsa = serverRsaKey();
  readonly dcId: number;
  clockSkew: number;
  checkTime: boolean;
  checkSalt: boolean;
  announceSessions: boolean;
  salt: bigint = 0x1122334455667788n;
  /** auth_key_id -> auth_key */
  readonly authKeys = new Map<bigint, Uint8Array>();
  readonly sessions = new Map<bigint, ServerSession>();
  readonly connections: ScriptedConnection[] = [];
  /** Every client message, in arrival order. */
  readonly messages: ClientMessage[] = [];
  /** DC ids the client sent in p_q_inner_data_dc. */
  readonly handshakeDcIds: number[] = [];
  /** retry_id of every client_DH_inner_data. */
  readonly retryIds: bigint[] = [];
  /** Temporary keys made by p_q_inner_data_temp_dc: auth_key_id -> expires_in. */
  readonly tempKeys = new Map<bigint, number>();
  /** Verified auth.bindTempAuthKey calls. */
  readonly bindings: Array<Tl<'bind_auth_key_inner'> & { connection: number }> = [];
  faults: HandshakeFaults = {};
  /** RPC handler; the default answers a few methods. */
  onCall: (call: Call) => void = (call) => defaultAnswer(call);
  /** Sees every decoded client message before the server reacts; return false to swallow it. */
  onMessage: ((message: ClientMessage, connection: ScriptedConnection) => boolean | void) | undefined;
  /** Answer ping / ping_delay_disconnect with pong. */
  answerPings = true;
  /** Refuse this many connection attempts. */
  refuseConnections = 0;
  private lastMsgId = 0n;

  constructor(options: ScriptedServerOptions = {}) {
    this.dcId = options.dcId ?? 2;
    this.clockSkew = options.clockSkew ?? 0;
    this.checkTime = options.checkTime ?? true;
    this.checkSalt = options.checkSalt ?? true;
    this.announceSessions = options.announceSessions ?? true;
  }

  /** The transport factory the client session uses to reach this server. */
  transport(options: { framing?: 'intermediate' | 'abridged' | 'padded' | 'full' } = {}): TransportFactory {
    return memoryTransport({
      framing: options.framing ?? 'intermediate',
      accept: (end) => {
        if (this.refuseConnections > 0) {
          this.refuseConnections--;
          throw new Error('scripted server: connection refused');
        }
        this.connections.push(new ScriptedConnection(this, end, this.connections.length));
      },
    });
  }

  get lastConnection(): ScriptedConnection {
    const connection = this.connections[this.connections.length - 1];
    if (!connection) throw new Error('no connection yet');
    return connection;
  }

  /** Server unix time, seconds. */
  now(): number {
    return Date.now() / 1000 + this.clockSkew;
  }

  /** A server msg_id: ≡ 1 mod 4 for answers, 3 otherwise; strictly increasing. */
  nextMsgId(answer = true): bigint {
    const ms = Date.now() + this.clockSkew * 1000;
    let id = (BigInt(Math.floor(ms / 1000)) << 32n) | BigInt((((ms % 1000) * 4294967) & ~3) >>> 0);
    if (id <= this.lastMsgId) id = (this.lastMsgId & ~3n) + 4n;
    this.lastMsgId = id;
    return id | (answer ? 1n : 3n);
  }

  /** Registers a fresh auth key, as if an earlier exchange had made it; returns the client's saved state. */
  createKey(): { authKey: Uint8Array; authKeyId: bigint; serverSalt: bigint; timeOffset: number } {
    const authKey = crypto.randomBytes(256);
    const authKeyId = readLong(crypto.sha1(authKey), 12);
    this.authKeys.set(authKeyId, authKey);
    return { authKey, authKeyId, serverSalt: this.salt, timeOffset: 0 };
  }

  /** Calls of `method` seen so far. */
  calls(method?: string): ClientMessage[] {
    return this.messages.filter((m) => m.object._ !== 'msgs_ack' && (method === undefined || m.object._ === method));
  }

  /** Every msg_id the client acknowledged. */
  acked(): bigint[] {
    return this.messages.filter((m) => m.object._ === 'msgs_ack').flatMap((m) => m.object.msgIds as bigint[]);
  }

  session(sessionId: bigint): ServerSession | undefined {
    return this.sessions.get(sessionId);
  }

  nextSeqNo(sessionId: bigint, contentRelated: boolean): number {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = { contentCount: 0 };
      this.sessions.set(sessionId, session);
    }
    return contentRelated ? session.contentCount++ * 2 + 1 : session.contentCount * 2;
  }
}

/** One client connection: handshake state and the encrypted side. */
export class ScriptedConnection {
  readonly server: ScriptedServer;
  readonly index: number;
  readonly peer: MemoryPeer;
  private readonly end: MemoryLinkEnd;
  /** Swallow every client packet (a black-holed connection). */
  blackhole = false;
  /** The auth key this connection's client uses (known after its first encrypted packet or the handshake). */
  authKey: Uint8Array | undefined;
  /** The client's session id (known after its first encrypted packet). */
  sessionId: bigint | undefined;
  packetsReceived = 0;
  private handshake: {
    nonce: Uint8Array;
    serverNonce: Uint8Array;
    newNonce?: Uint8Array;
    a?: bigint;
    tmp?: { key: Uint8Array; iv: Uint8Array };
    attempts: number;
    lastAuxHash?: bigint;
    expiresIn?: number;
  } | undefined;

  constructor(server: ScriptedServer, end: MemoryLinkEnd, index: number) {
    this.server = server;
    this.end = end;
    this.index = index;
    this.peer = new MemoryPeer(end);
    this.peer.onPacket = (packet) => {
      this.packetsReceived++;
      if (this.blackhole) return;
      try {
        this.onPacket(packet);
      } catch (error) {
        // A scripted server bug must fail the test loudly, not hang it.
        console.error('scripted server error', error);
        throw error;
      }
    };
  }

  get closed(): boolean {
    return this.peer.closed;
  }

  /** Closes gracefully (the client sees the transport close). */
  close(): void {
    this.peer.close();
  }

  /** Drops the link at once. */
  destroy(): void {
    this.end.destroy();
  }

  sendTransportError(code: number): void {
    this.peer.sendTransportError(code);
  }

  /** Sends packet bytes as they are. */
  sendPacket(packet: Uint8Array): void {
    this.peer.send(packet);
  }

  /** Encrypts and sends a complete plaintext. */
  sendPlaintext(plaintext: Uint8Array, tamper?: { msgKey?: boolean; keyId?: boolean }): void {
    this.sendPacket(encryptFromServer(this.requireKey(), plaintext, tamper));
  }

  /**
   * Sends bodies in one packet (a container when there are several). Each entry is a body, or
   * `{ body, contentRelated, msgId }` to control its header.
   */
  send(entries: Array<Uint8Array | { body: Uint8Array; contentRelated?: boolean; msgId?: bigint; seqNo?: number }>, options: { salt?: bigint; sessionId?: bigint } = {}): bigint {
    const sessionId = options.sessionId ?? this.requireSession();
    const salt = options.salt ?? this.server.salt;
    const items = entries.map((entry) => {
      const e = entry instanceof Uint8Array ? { body: entry } : entry;
      const contentRelated = e.contentRelated ?? true;
      return {
        body: e.body,
        msgId: e.msgId ?? this.server.nextMsgId(true),
        seqNo: e.seqNo ?? this.server.nextSeqNo(sessionId, contentRelated),
      };
    });
    if (items.length === 1) {
      const [item] = items;
      this.sendPlaintext(buildPlaintext({ salt, sessionId, msgId: item.msgId, seqNo: item.seqNo, body: item.body }));
      return item.msgId;
    }
    const w = new TlWriter(1024);
    w.uint32(ID_MSG_CONTAINER);
    w.int32(items.length);
    for (const item of items) {
      w.int64(item.msgId);
      w.int32(item.seqNo);
      w.int32(item.body.length);
      w.raw(item.body);
    }
    const msgId = this.server.nextMsgId(false);
    this.sendPlaintext(
      buildPlaintext({ salt, sessionId, msgId, seqNo: this.server.nextSeqNo(sessionId, false), body: w.toBytes() }),
    );
    return msgId;
  }

  /** Sends one TL object as a message. */
  sendObject(object: TlObject, options: { contentRelated?: boolean; msgId?: bigint } = {}): bigint {
    return this.send([{ body: serializeTl(object), ...options }]);
  }

  private requireKey(): Uint8Array {
    if (!this.authKey) throw new Error('scripted server: no auth key on this connection yet');
    return this.authKey;
  }

  private requireSession(): bigint {
    if (this.sessionId === undefined) throw new Error('scripted server: no client session yet');
    return this.sessionId;
  }

  private onPacket(packet: Uint8Array): void {
    const keyId = readLong(packet, 0);
    if (keyId === 0n) {
      this.onPlainPacket(packet);
      return;
    }
    const authKey = this.server.authKeys.get(keyId);
    if (!authKey) {
      this.sendTransportError(-404);
      return;
    }
    this.authKey = authKey;
    this.onEncryptedPacket(decryptFromClient(authKey, packet));
  }

  // ------------------------------------------------------------ handshake (server side)

  private onPlainPacket(packet: Uint8Array): void {
    const length = new DataView(packet.buffer, packet.byteOffset).getInt32(16, true);
    const request = readObject(new TlReader(packet.subarray(20, 20 + length))) as AnyTl;
    const answer = this.handshakeAnswer(request);
    if (!answer) return;
    const body = serializeTl(answer);
    const out = new Uint8Array(20 + body.length);
    const view = new DataView(out.buffer);
    view.setBigInt64(8, this.server.nextMsgId(true), true);
    view.setInt32(16, body.length, true);
    out.set(body, 20);
    this.sendPacket(out);
  }

  private handshakeAnswer(request: { _: string }): TlObject | undefined {
    const server = this.server;
    const faults = server.faults;
    const name: string = request._;
    switch (name) {
      case 'req_pq_multi': {
        const r = request as unknown as Tl<'req_pq_multi'>;
        this.handshake = { nonce: r.nonce, serverNonce: crypto.randomBytes(16), attempts: 0 };
        // pq of the public samples page: 0x17ED48941A08F981 = 0x494C553B · 0x53911073
        const answer: Tl<'resPQ'> = {
          _: 'resPQ',
          nonce: r.nonce,
          serverNonce: this.handshake.serverNonce,
          pq: bigIntToBytes(0x17ed48941a08f981n),
          serverPublicKeyFingerprints: [0x1234567890n, server.rsa.publicKey.fingerprint],
        };
        faults.resPQ?.(answer);
        return answer;
      }
      case 'req_DH_params': {
        const r = request as unknown as Tl<'req_DH_params'>;
        const state = this.handshake!;
        if (r.publicKeyFingerprint !== server.rsa.publicKey.fingerprint) throw new Error('client chose an unknown key');
        const inner = this.rsaUnpad(r.encryptedData);
        const innerName: string = inner._;
        if (innerName !== 'p_q_inner_data_dc' && innerName !== 'p_q_inner_data_temp_dc') throw new Error(`unexpected ${innerName}`);
        if (bytesToBigInt(inner.p) !== 0x494c553bn || bytesToBigInt(inner.q) !== 0x53911073n) throw new Error('wrong p/q');
        if (Buffer.compare(inner.nonce, state.nonce) !== 0 || Buffer.compare(inner.serverNonce, state.serverNonce) !== 0) {
          throw new Error('p_q_inner_data nonces differ');
        }
        server.handshakeDcIds.push(inner.dc);
        state.expiresIn = (inner as unknown as { expiresIn?: number }).expiresIn;
        state.newNonce = inner.newNonce;
        state.a = bytesToBigInt(crypto.randomBytes(256));
        state.tmp = deriveTmpAesKeyIv(crypto, inner.newNonce, state.serverNonce);
        const dhInner: Tl<'server_DH_inner_data'> = {
          _: 'server_DH_inner_data',
          nonce: state.nonce,
          serverNonce: state.serverNonce,
          g: 3,
          dhPrime: bigIntToBytes(TELEGRAM_DH_PRIME),
          gA: bigIntToBytes(crypto.modPow(3n, state.a, TELEGRAM_DH_PRIME)),
          serverTime: Math.floor(server.now()),
        };
        faults.serverDhInner?.(dhInner);
        const answerBytes = serializeTl(dhInner);
        let plain: Uint8Array = new Uint8Array(Math.ceil((20 + answerBytes.length) / 16) * 16);
        plain.set(crypto.sha1(answerBytes), 0);
        plain.set(answerBytes, 20);
        crypto.randomFill(plain.subarray(20 + answerBytes.length));
        if (faults.answerWithHash) plain = faults.answerWithHash(plain);
        const encrypted = plain.length % 16 === 0 ? crypto.aesIgeEncrypt(plain, state.tmp.key, state.tmp.iv) : plain;
        const answer: Tl<'server_DH_params_ok'> = {
          _: 'server_DH_params_ok',
          nonce: state.nonce,
          serverNonce: state.serverNonce,
          encryptedAnswer: encrypted,
        };
        const replacedParams = faults.dhParams?.(answer) as { _: string } | undefined;
        return (replacedParams ?? answer) as unknown as TlObject;
      }
      case 'set_client_DH_params': {
        const r = request as unknown as Tl<'set_client_DH_params'>;
        const state = this.handshake!;
        const plain = crypto.aesIgeDecrypt(r.encryptedData, state.tmp!.key, state.tmp!.iv);
        const reader = new TlReader(plain, 20);
        const inner = readObject(reader) as Tl<'client_DH_inner_data'>;
        if (Buffer.compare(crypto.sha1(plain.subarray(20, reader.position)), plain.subarray(0, 20)) !== 0) {
          throw new Error('client_DH_inner_data hash mismatch');
        }
        server.retryIds.push(inner.retryId);
        if (state.attempts > 0 && inner.retryId !== state.lastAuxHash) throw new Error('retry_id is not the previous auth_key_aux_hash');
        const authKey = bigIntToBytes(crypto.modPow(bytesToBigInt(inner.gB), state.a!, TELEGRAM_DH_PRIME), 256);
        const authKeyHash = crypto.sha1(authKey);
        state.lastAuxHash = readLong(authKeyHash, 0);
        const answer: Tl<'dh_gen_ok'> = {
          _: 'dh_gen_ok',
          nonce: state.nonce,
          serverNonce: state.serverNonce,
          newNonceHash1: computeNewNonceHash(crypto, state.newNonce!, authKey, 1),
        };
        const replaced = faults.dhGen?.(answer, { attempt: state.attempts++, authKey, newNonce: state.newNonce! });
        if (!replaced) {
          server.authKeys.set(readLong(authKeyHash, 12), authKey);
          if (state.expiresIn !== undefined) server.tempKeys.set(readLong(authKeyHash, 12), state.expiresIn);
          // Salt of spec §6.2 step 10.
          server.salt = readLong(state.newNonce!, 0) ^ readLong(state.serverNonce, 0);
        }
        return ((replaced as { _: string } | undefined) ?? answer) as unknown as TlObject;
      }
      default:
        throw new Error(`unexpected unencrypted ${name}`);
    }
  }

  /** The server half of RSA_PAD (spec §6.3). */
  private rsaUnpad(encrypted: Uint8Array): Tl<'p_q_inner_data_dc'> {
    const keyAesEncrypted = Uint8Array.from(
      privateDecrypt({ key: this.server.rsa.privateKey, padding: constants.RSA_NO_PADDING }, encrypted),
    );
    const aesEncrypted = keyAesEncrypted.subarray(32);
    const tempKey = keyAesEncrypted.slice(0, 32);
    const hash = crypto.sha256(aesEncrypted);
    for (let i = 0; i < 32; i++) tempKey[i] ^= hash[i];
    const dataWithHash = crypto.aesIgeDecrypt(aesEncrypted, tempKey, new Uint8Array(32));
    const withPadding = dataWithHash.slice(0, 192).reverse();
    if (Buffer.compare(crypto.sha256(tempKey, withPadding), dataWithHash.subarray(192)) !== 0) throw new Error('RSA_PAD hash mismatch');
    return readObject(new TlReader(withPadding)) as Tl<'p_q_inner_data_dc'>;
  }

  // ------------------------------------------------------------ encrypted side

  private onEncryptedPacket(plaintext: Uint8Array): void {
    const server = this.server;
    const view = new DataView(plaintext.buffer, plaintext.byteOffset);
    const salt = view.getBigInt64(0, true);
    const sessionId = view.getBigInt64(8, true);
    const msgId = view.getBigInt64(16, true);
    const seqNo = view.getInt32(24, true);
    const length = view.getInt32(28, true);
    if (msgId % 4n !== 0n) throw new Error('client msg_id not divisible by 4');
    this.sessionId = sessionId;
    const isNew = !server.sessions.has(sessionId);
    if (isNew) server.sessions.set(sessionId, { contentCount: 0 });
    if (isNew && server.announceSessions) {
      this.sendObject({ _: 'new_session_created', firstMsgId: msgId, uniqueId: 7n, serverSalt: server.salt });
    }
    if (server.checkTime) {
      const seconds = Number(msgId >> 32n);
      const now = server.now();
      const code = seconds < now - 300 ? 16 : seconds > now + 30 ? 17 : 0;
      if (code) {
        this.sendObject({ _: 'bad_msg_notification', badMsgId: msgId, badMsgSeqno: seqNo, errorCode: code }, { contentRelated: false });
        return;
      }
    }
    if (server.checkSalt && salt !== server.salt) {
      this.sendObject(
        { _: 'bad_server_salt', badMsgId: msgId, badMsgSeqno: seqNo, errorCode: 48, newServerSalt: server.salt },
        { contentRelated: false },
      );
      return;
    }
    const reader = new TlReader(plaintext, 32, 32 + length);
    if (reader.peekUint32() === ID_MSG_CONTAINER) {
      reader.uint32();
      const count = reader.int32();
      for (let i = 0; i < count; i++) {
        const innerId = reader.int64();
        const innerSeq = reader.int32();
        const innerLength = reader.int32();
        const body = plaintext.subarray(reader.position, reader.position + innerLength);
        reader.position += innerLength;
        if (innerId >= msgId) throw new Error('inner msg_id not below the container msg_id');
        this.onMessage({ salt, sessionId, packetMsgId: msgId, msgId: innerId, seqNo: innerSeq, inContainer: true }, body);
      }
      return;
    }
    this.onMessage({ salt, sessionId, packetMsgId: msgId, msgId, seqNo, inContainer: false }, plaintext.subarray(32, 32 + length));
  }

  private onMessage(
    header: Pick<ClientMessage, 'salt' | 'sessionId' | 'packetMsgId' | 'msgId' | 'seqNo' | 'inContainer'>,
    body: Uint8Array,
  ): void {
    const server = this.server;
    let gzipped = false;
    let object = readObject(new TlReader(body)) as AnyTl;
    if (object._ === 'gzip_packed') {
      gzipped = true;
      object = readObject(new TlReader(crypto.gunzip(object.packedData as Uint8Array, 1 << 26))) as AnyTl;
    }
    const message: ClientMessage = { ...header, connection: this.index, gzipped, wrapped: false, object };
    if (object._ === 'invokeWithLayer') {
      const wrapper = object as unknown as { layer: number; query: AnyTl };
      if (wrapper.query._ !== 'initConnection') throw new Error('invokeWithLayer without initConnection');
      const { query, ...init } = wrapper.query;
      message.wrapped = true;
      message.layer = wrapper.layer;
      message.init = init as unknown as ClientMessage['init'];
      message.object = query as AnyTl;
    }
    server.messages.push(message);
    const contentRelated = (header.seqNo & 1) === 1;
    if (server.onMessage?.(message, this) === false) return;
    const name = message.object._;
    if (name === 'msgs_ack' || name === 'msgs_state_info' || name === 'msg_resend_req') return;
    if (name === 'ping' || name === 'ping_delay_disconnect') {
      if (server.answerPings) {
        const ping = message.object as unknown as { pingId: bigint };
        this.sendObject({ _: 'pong', msgId: header.msgId, pingId: ping.pingId }, { contentRelated: false });
      }
      return;
    }
    if (!contentRelated) throw new Error(`client sent ${name} as not content-related`);
    const call: Call = {
      message,
      method: message.object as Call['method'],
      connection: this,
      resultBody: (result, options) => {
        const bytes = serializeResult(result);
        return rpcResultBody(header.msgId, options?.gzip ? gzipPacked(bytes) : bytes);
      },
      reply: (result, options) => this.send([call.resultBody(result, options)]),
      error: (code, text) => this.send([rpcErrorBody(header.msgId, code, text)]),
    };
    server.onCall(call);
  }
}

/** Answers for the methods the tests use when they do not script their own. */
export function defaultAnswer(call: Call): void {
  const name: string = call.method._;
  switch (name) {
    case 'help.getNearestDc':
      call.reply({ _: 'nearestDc', country: 'NL', thisDc: call.connection.server.dcId, nearestDc: call.connection.server.dcId });
      return;
    case 'messages.receivedQueue':
      call.reply([1n, 2n, 3n]);
      return;
    case 'upload.saveFilePart':
      call.reply(true);
      return;
    case 'get_future_salts': {
      const now = Math.floor(call.connection.server.now());
      const body = serializeTl({
        _: 'future_salts',
        reqMsgId: call.message.msgId,
        now,
        salts: [{ _: 'future_salt', validSince: now - 10, validUntil: now + 1800, salt: 0x5a5a5a5an }],
      } as TlObject);
      call.connection.send([{ body, contentRelated: false }]);
      return;
    }
    case 'auth.bindTempAuthKey':
      verifyBinding(call);
      call.reply(true);
      return;
    case 'destroy_session':
      call.connection.sendObject(
        { _: 'destroy_session_ok', sessionId: (call.method as unknown as Tl<'destroy_session'>).sessionId },
        { contentRelated: false },
      );
      return;
    default:
      call.error(400, 'METHOD_NOT_SCRIPTED');
  }
}

/**
 * The server side of auth.bindTempAuthKey (spec §6.8): MTProto 1.0 decryption with the permanent
 * key and every field of bind_auth_key_inner checked. Throws (failing the test) on any mismatch.
 */
export function verifyBinding(call: Call): void {
  const server = call.connection.server;
  const request = call.method;
  const message = request.encryptedMessage as Uint8Array;
  const permKey = server.authKeys.get(request.permAuthKeyId as bigint);
  if (!permKey || server.tempKeys.has(request.permAuthKeyId as bigint)) throw new Error('bind: unknown permanent key');
  if (readLong(message, 0) !== request.permAuthKeyId) throw new Error('bind: perm_auth_key_id differs');
  const msgKey = message.subarray(8, 24);
  const sha = (...parts: Uint8Array[]) => crypto.sha1(...parts);
  const a = sha(msgKey, permKey.subarray(0, 32));
  const b = sha(permKey.subarray(32, 48), msgKey, permKey.subarray(48, 64));
  const c = sha(permKey.subarray(64, 96), msgKey);
  const d = sha(msgKey, permKey.subarray(96, 128));
  const key = concat(a.subarray(0, 8), b.subarray(8, 20), c.subarray(4, 16));
  const iv = concat(a.subarray(8, 20), b.subarray(0, 8), c.subarray(16, 20), d.subarray(0, 8));
  const plain = crypto.aesIgeDecrypt(message.subarray(24), key, iv);
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const length = view.getInt32(28, true);
  if (Buffer.compare(crypto.sha1(plain.subarray(0, 32 + length)).subarray(4, 20), msgKey) !== 0) throw new Error('bind: msg_key');
  if (view.getBigInt64(16, true) !== call.message.msgId) throw new Error('bind: msg_id differs from the call');
  if (view.getInt32(24, true) !== 0) throw new Error('bind: seq_no must be 0');
  const inner = readObject(new TlReader(plain.subarray(32, 32 + length))) as Tl<'bind_auth_key_inner'>;
  const tempKeyId = readLong(crypto.sha1(call.connection.authKey!), 12);
  if (
    inner.nonce !== request.nonce ||
    inner.tempAuthKeyId !== tempKeyId ||
    inner.permAuthKeyId !== request.permAuthKeyId ||
    inner.tempSessionId !== call.message.sessionId ||
    inner.expiresAt !== request.expiresAt
  ) {
    throw new Error('bind: bind_auth_key_inner does not match');
  }
  server.bindings.push({ ...inner, connection: call.connection.index });
}
