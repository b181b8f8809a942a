/**
 * The server side of the auth-key exchange (protocol notes §6): req_pq(_multi) → resPQ,
 * req_DH_params → server_DH_params_ok, set_client_DH_params → dh_gen_ok/retry/fail. Accepts
 * RSA_PAD and the legacy SHA1 `data_with_hash`, and every p_q_inner_data variant (with and
 * without dc, permanent and temporary). Identical repeats get the identical answer.
 */
import { readObject, serializeTl, TlReader, type Tl, type TlObject } from '@x/mtproto-core';
import { DH_G, DH_PRIME_BYTES, generateDhSecret, isSafeDhValue, type DhSecret } from '../crypto/dh.js';
import { authKeyHashes, decryptInnerData, handshakeTmpKey, newNonceHash } from '../crypto/handshake-crypto.js';
import { aesIgeDecrypt, aesIgeEncrypt, randomBytes, sha1 } from '../crypto/node-crypto.js';
import type { ServerRsaKey } from '../crypto/rsa-key.js';
import type { AuthKeyStore } from '../session/auth-keys.js';
import { bigIntToBytes, bytesToBigInt, concatBytes, constantTimeEqual, readInt64, toHex } from '../util/bytes.js';
import { generatePq } from './pq.js';

export type HandshakeOutcome =
  | { kind: 'reply'; body: Uint8Array }
  | { kind: 'error'; transportError: number; reason: string };

interface HandshakeState {
  nonce: Uint8Array;
  serverNonce: Uint8Array;
  p: bigint;
  q: bigint;
  pq: bigint;
  createdAt: number;
  resPq: Uint8Array;
  dh?: {
    request: Uint8Array;
    answer: Uint8Array;
    newNonce: Uint8Array;
    secret: DhSecret;
    tmpKey: Uint8Array;
    tmpIv: Uint8Array;
    temp: boolean;
    expiresIn?: number;
  };
  /** auth_key_aux_hash of the last key refused with dh_gen_retry (expected as retry_id). */
  retryAuxHash?: Uint8Array;
  attempts: number;
  finished?: { request: Uint8Array; answer: Uint8Array };
}

export interface HandshakeServerOptions {
  dcId: number;
  rsa: ServerRsaKey;
  keys: AuthKeyStore;
  log(message: string): void;
}

const STATE_TTL_SECONDS = 600;

export class HandshakeServer {
  private readonly options: HandshakeServerOptions;
  private readonly states = new Map<string, HandshakeState>();
  /** Forces the next N set_client_DH_params to be answered with dh_gen_retry (tests). */
  forceRetries = 0;
  completed = 0;

  constructor(options: HandshakeServerOptions) {
    this.options = options;
  }

  /** `now` is the server clock (seconds, possibly skewed) for server_time. */
  handle(body: Uint8Array, now: number): HandshakeOutcome {
    this.expire(now);
    let request: TlObject;
    try {
      const reader = new TlReader(body);
      request = readObject(reader) as TlObject;
      if (reader.remaining !== 0) return fail(`${reader.remaining} trailing byte(s) after the handshake message`);
    } catch (error) {
      return fail(`undecodable handshake message: ${(error as Error).message}`);
    }
    switch ((request as { _: string })._) {
      case 'req_pq_multi':
      case 'req_pq':
        return this.reqPq((request as unknown as Tl<'req_pq_multi'>).nonce, now);
      case 'req_DH_params':
        return this.reqDhParams(request as unknown as Tl<'req_DH_params'>, body, now);
      case 'set_client_DH_params':
        return this.setClientDhParams(request as unknown as Tl<'set_client_DH_params'>, body);
      default:
        return fail(`${(request as { _: string })._} is not a handshake message`);
    }
  }

  private reqPq(nonce: Uint8Array, now: number): HandshakeOutcome {
    const key = toHex(nonce);
    const existing = this.states.get(key);
    if (existing !== undefined && existing.dh === undefined) return { kind: 'reply', body: existing.resPq };
    const { p, q, pq } = generatePq();
    const serverNonce = randomBytes(16);
    const resPq = serializeTl({
      _: 'resPQ',
      nonce,
      serverNonce,
      pq: bigIntToBytes(pq),
      serverPublicKeyFingerprints: [this.options.rsa.fingerprint],
    } as Tl<'resPQ'>);
    this.states.set(key, { nonce, serverNonce, p, q, pq, createdAt: now, resPq, attempts: 0 });
    return { kind: 'reply', body: resPq };
  }

  private reqDhParams(request: Tl<'req_DH_params'>, raw: Uint8Array, now: number): HandshakeOutcome {
    const state = this.states.get(toHex(request.nonce));
    if (state === undefined || !constantTimeEqual(state.serverNonce, request.serverNonce)) return fail('req_DH_params: unknown nonce/server_nonce');
    if (state.dh !== undefined) {
      if (constantTimeEqual(state.dh.request, raw)) return { kind: 'reply', body: state.dh.answer };
      return fail('req_DH_params: a different request for a nonce already answered');
    }
    if (bytesToBigInt(request.p) !== state.p || bytesToBigInt(request.q) !== state.q) return fail('req_DH_params: wrong p/q');
    if (request.publicKeyFingerprint !== this.options.rsa.fingerprint) return fail('req_DH_params: unknown public key fingerprint');

    const decrypted = decryptInnerData(this.options.rsa, request.encryptedData);
    if (decrypted === undefined) return fail('req_DH_params: encrypted_data decrypts to nothing valid (neither RSA_PAD nor SHA1 data_with_hash)');
    let inner: TlObject;
    let innerLength: number;
    try {
      const reader = new TlReader(decrypted.data);
      inner = readObject(reader) as TlObject;
      innerLength = reader.position;
    } catch (error) {
      return fail(`req_DH_params: undecodable inner data (${(error as Error).message})`);
    }
    if (decrypted.checkHash !== undefined && !decrypted.checkHash(innerLength)) return fail('req_DH_params: SHA1 of the inner data does not match');
    const kind = (inner as { _: string })._;
    if (kind !== 'p_q_inner_data' && kind !== 'p_q_inner_data_dc' && kind !== 'p_q_inner_data_temp' && kind !== 'p_q_inner_data_temp_dc') {
      return fail(`req_DH_params: inner data is ${kind}, not p_q_inner_data`);
    }
    const data = inner as Tl<'p_q_inner_data_temp_dc'>;
    if (!constantTimeEqual(data.nonce, state.nonce) || !constantTimeEqual(data.serverNonce, state.serverNonce)) {
      return fail('req_DH_params: inner nonce/server_nonce mismatch');
    }
    if (bytesToBigInt(data.pq) !== state.pq || bytesToBigInt(data.p) !== state.p || bytesToBigInt(data.q) !== state.q) {
      return fail('req_DH_params: inner pq/p/q mismatch');
    }
    if ('dc' in data && data.dc !== undefined && !this.acceptsDcId(data.dc)) {
      return { kind: 'error', transportError: -444, reason: `p_q_inner_data dc ${data.dc} is not this DC (${this.options.dcId})` };
    }
    const temp = kind === 'p_q_inner_data_temp' || kind === 'p_q_inner_data_temp_dc';
    if (temp && !(data.expiresIn > 0)) return fail('req_DH_params: temporary key with expires_in <= 0');

    const secret = generateDhSecret();
    const { key: tmpKey, iv: tmpIv } = handshakeTmpKey(data.newNonce, state.serverNonce);
    const answer = serializeTl({
      _: 'server_DH_inner_data',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      g: DH_G,
      dhPrime: DH_PRIME_BYTES,
      gA: secret.gA,
      serverTime: Math.floor(now),
    } as Tl<'server_DH_inner_data'>);
    const withHash = concatBytes(sha1(answer), answer);
    const padded = concatBytes(withHash, randomBytes((16 - (withHash.length % 16)) % 16));
    const reply = serializeTl({
      _: 'server_DH_params_ok',
      nonce: state.nonce,
      serverNonce: state.serverNonce,
      encryptedAnswer: aesIgeEncrypt(padded, tmpKey, tmpIv),
    } as Tl<'server_DH_params_ok'>);
    state.dh = {
      request: raw.slice(),
      answer: reply,
      newNonce: data.newNonce,
      secret,
      tmpKey,
      tmpIv,
      temp,
      ...(temp ? { expiresIn: data.expiresIn } : {}),
    };
    this.options.log(`handshake: req_DH_params ok (${decrypted.scheme}, ${kind})`);
    return { kind: 'reply', body: reply };
  }

  private setClientDhParams(request: Tl<'set_client_DH_params'>, raw: Uint8Array): HandshakeOutcome {
    const state = this.states.get(toHex(request.nonce));
    if (state === undefined || !constantTimeEqual(state.serverNonce, request.serverNonce) || state.dh === undefined) {
      return fail('set_client_DH_params: unknown nonce/server_nonce or no req_DH_params before');
    }
    if (state.finished !== undefined && constantTimeEqual(state.finished.request, raw)) return { kind: 'reply', body: state.finished.answer };
    const encrypted = request.encryptedData;
    if (encrypted.length === 0 || encrypted.length % 16 !== 0) return fail('set_client_DH_params: encrypted_data is not a multiple of 16 bytes');
    const plain = aesIgeDecrypt(encrypted, state.dh.tmpKey, state.dh.tmpIv);
    let inner: Tl<'client_DH_inner_data'>;
    let innerLength: number;
    try {
      const reader = new TlReader(plain, 20);
      inner = readObject(reader) as Tl<'client_DH_inner_data'>;
      innerLength = reader.position - 20;
    } catch (error) {
      return fail(`set_client_DH_params: undecodable client_DH_inner_data (${(error as Error).message})`);
    }
    if (inner._ !== 'client_DH_inner_data') return fail(`set_client_DH_params: inner data is ${inner._}`);
    if (!constantTimeEqual(sha1(plain.subarray(20, 20 + innerLength)), plain.subarray(0, 20))) {
      return fail('set_client_DH_params: SHA1 of client_DH_inner_data does not match');
    }
    if (plain.length - 20 - innerLength >= 16) return fail('set_client_DH_params: more than 15 bytes of padding');
    if (!constantTimeEqual(inner.nonce, state.nonce) || !constantTimeEqual(inner.serverNonce, state.serverNonce)) {
      return fail('set_client_DH_params: inner nonce/server_nonce mismatch');
    }
    const expectedRetry = state.retryAuxHash === undefined ? 0n : readInt64(state.retryAuxHash, 0);
    if (inner.retryId !== expectedRetry) {
      return fail(`set_client_DH_params: retry_id ${inner.retryId} (expected ${expectedRetry})`);
    }
    const gB = bytesToBigInt(inner.gB);
    const newNonce = state.dh.newNonce;
    const answer = (kind: 'dh_gen_ok' | 'dh_gen_retry' | 'dh_gen_fail', n: 1 | 2 | 3, auxHash: Uint8Array): Uint8Array =>
      serializeTl({ _: kind, nonce: state.nonce, serverNonce: state.serverNonce, [`newNonceHash${n}`]: newNonceHash(newNonce, n, auxHash) } as unknown as TlObject);

    state.attempts += 1;
    if (!isSafeDhValue(gB)) {
      const body = answer('dh_gen_fail', 3, new Uint8Array(8));
      this.states.delete(toHex(state.nonce));
      this.options.log('handshake: g_b out of range, dh_gen_fail');
      return { kind: 'reply', body };
    }
    const authKey = state.dh.secret.computeSecret(inner.gB);
    const { auxHash, keyIdBytes } = authKeyHashes(authKey);
    const keyId = readInt64(keyIdBytes, 0);
    if (this.forceRetries > 0 || this.options.keys.has(keyId)) {
      if (this.forceRetries > 0) this.forceRetries -= 1;
      state.retryAuxHash = auxHash;
      this.options.log('handshake: dh_gen_retry');
      return { kind: 'reply', body: answer('dh_gen_retry', 2, auxHash) };
    }
    const salt = readInt64(newNonce, 0) ^ readInt64(state.serverNonce, 0);
    this.options.keys.add({
      id: keyId,
      idBytes: keyIdBytes,
      key: authKey,
      temp: state.dh.temp,
      ...(state.dh.expiresIn !== undefined ? { expiresAt: Math.floor(Date.now() / 1000) + state.dh.expiresIn } : {}),
      salt: BigInt.asIntN(64, salt),
      now: Math.floor(Date.now() / 1000),
    });
    const body = answer('dh_gen_ok', 1, auxHash);
    state.finished = { request: raw.slice(), answer: body };
    this.completed += 1;
    this.options.log(`handshake: new ${state.dh.temp ? 'temporary' : 'permanent'} auth key ${toHex(keyIdBytes)}`);
    return { kind: 'reply', body };
  }

  /** 0 (Web K sends it), this DC, test (+10000) and media (negative) forms. */
  private acceptsDcId(dc: number): boolean {
    const id = this.options.dcId;
    return dc === 0 || Math.abs(dc) === id || Math.abs(dc) === 10000 + id;
  }

  private expire(now: number): void {
    for (const [key, state] of this.states) if (now - state.createdAt > STATE_TTL_SECONDS) this.states.delete(key);
  }
}

function fail(reason: string): HandshakeOutcome {
  return { kind: 'error', transportError: -404, reason };
}
