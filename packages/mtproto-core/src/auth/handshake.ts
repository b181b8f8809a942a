/**
 * The client side of the auth-key exchange (spec §6): req_pq_multi -> req_DH_params ->
 * set_client_DH_params, with every check of §6.6. Runs over unencrypted messages on any
 * `PlainChannel`; a failed check throws SecurityError and the caller restarts on a new connection.
 */
import {
  bigIntToBytes,
  bytesToBigInt,
  checkDhParams,
  checkDhValue,
  computeAuthKeyId,
  computeNewNonceHash,
  constantTimeEqual,
  deriveTmpAesKeyIv,
  factorizePq,
  initialServerSalt,
  readInt64LE,
  rsaPad,
  type CryptoProvider,
  type RsaPublicKey,
} from '../crypto/index.js';
import { ProtocolError, SecurityError } from '../errors.js';
import { TlReader } from '../binary/reader.js';
import type { MessageIdGenerator } from '../session/msg-id.js';
import { readObject, serializeTl, type Tl, type TlMethod, type TlObject } from '../tl/index.js';
import { decodePlainMessage, encodePlainMessage } from './plain-message.js';

/** A way to exchange unencrypted messages with the server for the duration of the handshake. */
export interface PlainChannel {
  send(packet: Uint8Array): Promise<void>;
  /** The next unencrypted packet from the server; rejects on close, timeout or abort. */
  receive(): Promise<Uint8Array>;
}

export interface AuthKeyExchangeOptions {
  crypto: CryptoProvider;
  channel: PlainChannel;
  /** Client msg_ids for the unencrypted messages. */
  msgIds: MessageIdGenerator;
  /** Keys the client trusts; the server's resPQ must offer one of their fingerprints. */
  rsaKeys: readonly RsaPublicKey[];
  dcId: number;
  test: boolean;
  media: boolean;
  /** Temporary (PFS) key valid for this many seconds; a permanent key when absent. */
  expiresIn?: number;
  /** How many dh_gen_retry answers to accept before giving up. Default 5. */
  maxRetries?: number;
  now?: () => number;
}

export interface AuthKeyExchangeResult {
  authKey: Uint8Array;
  authKeyId: bigint;
  serverSalt: bigint;
  /** Server time minus local time, seconds. */
  timeOffset: number;
  /** Set for temporary keys: unix time (server clock) when the key expires. */
  expiresAt?: number;
}

/** The DC id as sent in p_q_inner_data_dc: +10000 for test DCs, negative for media-only DCs. */
export function handshakeDcId(dcId: number, test: boolean, media: boolean): number {
  const id = test ? 10000 + dcId : dcId;
  return media ? -id : id;
}

const DH_G_B_ATTEMPTS = 8;

export async function exchangeAuthKey(options: AuthKeyExchangeOptions): Promise<AuthKeyExchangeResult> {
  const { crypto, channel, msgIds } = options;
  const now = options.now ?? Date.now;

  const call = async (request: TlMethod, expected: readonly string[]): Promise<TlObject> => {
    await channel.send(encodePlainMessage(msgIds.next(), serializeTl(request)));
    const { body } = decodePlainMessage(await channel.receive());
    const answer = decodeAnswer(body);
    if (!expected.includes(answer._)) {
      throw new ProtocolError('HANDSHAKE_UNEXPECTED', `expected ${expected.join(' or ')}, got ${answer._}`);
    }
    return answer;
  };

  // 1-2. req_pq_multi -> resPQ
  const nonce = crypto.randomBytes(16);
  const resPq = (await call({ _: 'req_pq_multi', nonce }, ['resPQ'])) as Tl<'resPQ'>;
  checkNonce(resPq.nonce, nonce, 'resPQ');
  const serverNonce = resPq.serverNonce;
  const key = pickRsaKey(resPq.serverPublicKeyFingerprints, options.rsaKeys);

  // 3. pq -> p < q, both prime
  const [p, q] = factorize(resPq.pq);
  const pBytes = bigIntToBytes(p);
  const qBytes = bigIntToBytes(q);

  // 4-5. p_q_inner_data_dc (or _temp_dc), RSA_PAD, req_DH_params
  const newNonce = crypto.randomBytes(32);
  const dc = handshakeDcId(options.dcId, options.test, options.media);
  const common = { pq: resPq.pq, p: pBytes, q: qBytes, nonce, serverNonce, newNonce, dc };
  const inner: TlObject =
    options.expiresIn === undefined
      ? { _: 'p_q_inner_data_dc', ...common }
      : { _: 'p_q_inner_data_temp_dc', ...common, expiresIn: options.expiresIn };
  const encryptedData = rsaPad(crypto, serializeTl(inner), key);
  const dhParams = await call(
    { _: 'req_DH_params', nonce, serverNonce, p: pBytes, q: qBytes, publicKeyFingerprint: key.fingerprint, encryptedData },
    ['server_DH_params_ok', 'server_DH_params_fail'],
  );
  const params = dhParams as Tl<'server_DH_params_ok'>;
  checkNonce(params.nonce, nonce, dhParams._);
  checkServerNonce(params.serverNonce, serverNonce, dhParams._);
  if (dhParams._ === 'server_DH_params_fail') {
    throw new ProtocolError('HANDSHAKE_DH_PARAMS_FAIL', 'the server refused req_DH_params (server_DH_params_fail)');
  }

  // 6. decrypt server_DH_inner_data; check hash, padding, nonces and the DH parameters
  const { key: tmpKey, iv: tmpIv } = deriveTmpAesKeyIv(crypto, newNonce, serverNonce);
  const innerData = decryptServerDhInner(params.encryptedAnswer, tmpKey, tmpIv, crypto);
  checkNonce(innerData.nonce, nonce, 'server_DH_inner_data');
  checkServerNonce(innerData.serverNonce, serverNonce, 'server_DH_inner_data');
  const dhPrime = bytesToBigInt(innerData.dhPrime);
  checkDhParams(crypto, dhPrime, innerData.g);
  const gA = bytesToBigInt(innerData.gA);
  checkDhValue(gA, dhPrime, 'g_a');
  const timeOffset = innerData.serverTime - Math.floor(now() / 1000);
  msgIds.timeOffset = timeOffset;

  // 7-9. g_b, client_DH_inner_data, set_client_DH_params; dh_gen_retry loops with retry_id
  const g = BigInt(innerData.g);
  let retryId = 0n;
  const maxRetries = options.maxRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const { b, gB } = generateB(g, dhPrime, crypto);
    const authKey = bigIntToBytes(crypto.modPow(gA, b, dhPrime), 256);
    const clientInner = serializeTl({ _: 'client_DH_inner_data', nonce, serverNonce, retryId, gB: bigIntToBytes(gB) });
    const encrypted = crypto.aesIgeEncrypt(withSha1AndPadding(clientInner, crypto), tmpKey, tmpIv);
    const answer = await call({ _: 'set_client_DH_params', nonce, serverNonce, encryptedData: encrypted }, [
      'dh_gen_ok',
      'dh_gen_retry',
      'dh_gen_fail',
    ]);
    const gen = answer as Tl<'dh_gen_ok'> | Tl<'dh_gen_retry'> | Tl<'dh_gen_fail'>;
    checkNonce(gen.nonce, nonce, gen._);
    checkServerNonce(gen.serverNonce, serverNonce, gen._);
    const [number, received] =
      gen._ === 'dh_gen_ok' ? [1, gen.newNonceHash1] : gen._ === 'dh_gen_retry' ? [2, gen.newNonceHash2] : [3, gen.newNonceHash3];
    if (!constantTimeEqual(received, computeNewNonceHash(crypto, newNonce, authKey, number as 1 | 2 | 3))) {
      throw new SecurityError('SECURITY_NEW_NONCE_HASH', `${gen._}: new_nonce_hash${number} does not match`);
    }
    if (gen._ === 'dh_gen_fail') throw new ProtocolError('HANDSHAKE_DH_GEN_FAIL', 'the server answered dh_gen_fail');
    if (gen._ === 'dh_gen_retry') {
      if (attempt >= maxRetries) throw new ProtocolError('HANDSHAKE_TOO_MANY_RETRIES', `dh_gen_retry answered ${attempt + 1} times`);
      // retry_id = auth_key_aux_hash: the first 8 bytes of SHA1(auth_key) (spec §6.2 step 9)
      retryId = readInt64LE(crypto.sha1(authKey), 0);
      continue;
    }
    // 10. auth_key_id and the first salt
    const result: AuthKeyExchangeResult = {
      authKey,
      authKeyId: computeAuthKeyId(crypto, authKey),
      serverSalt: initialServerSalt(newNonce, serverNonce),
      timeOffset,
    };
    if (options.expiresIn !== undefined) result.expiresAt = innerData.serverTime + options.expiresIn;
    return result;
  }
}

function decodeAnswer(body: Uint8Array): TlObject {
  const reader = new TlReader(body);
  return readObject(reader) as TlObject;
}

function checkNonce(received: Uint8Array, ours: Uint8Array, where: string): void {
  if (!constantTimeEqual(received, ours)) throw new SecurityError('SECURITY_NONCE', `${where}: nonce does not match ours`);
}

function checkServerNonce(received: Uint8Array, known: Uint8Array, where: string): void {
  if (!constantTimeEqual(received, known)) {
    throw new SecurityError('SECURITY_SERVER_NONCE', `${where}: server_nonce does not match resPQ`);
  }
}

function pickRsaKey(offered: readonly bigint[], keys: readonly RsaPublicKey[]): RsaPublicKey {
  for (const fingerprint of offered) {
    const key = keys.find((candidate) => candidate.fingerprint === fingerprint);
    if (key) return key;
  }
  const hex = offered.map((f) => BigInt.asUintN(64, f).toString(16).padStart(16, '0')).join(', ');
  throw new SecurityError(
    'SECURITY_UNKNOWN_FINGERPRINT',
    `none of the server's RSA key fingerprints [${hex}] is known; pass the server's public key in rsaKeys`,
  );
}

/** pq -> [p, q] with 1 < p < q, both prime (spec §6.6: "pq > 1 factors into two primes"). */
function factorize(pqBytes: Uint8Array): [bigint, bigint] {
  const pq = bytesToBigInt(pqBytes);
  if (pqBytes.length > 8 || pq <= 1n) throw new SecurityError('SECURITY_PQ', `pq of ${pqBytes.length} bytes is not a valid product`);
  try {
    return factorizePq(pq);
  } catch (cause) {
    throw new SecurityError('SECURITY_PQ', `pq ${pq} is not a product of two primes`, { cause });
  }
}

/** server_DH_params_ok.encrypted_answer -> server_DH_inner_data, checking SHA1 and padding (§6.6). */
function decryptServerDhInner(
  encryptedAnswer: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
  crypto: CryptoProvider,
): Tl<'server_DH_inner_data'> {
  if (encryptedAnswer.length % 16 !== 0 || encryptedAnswer.length < 32) {
    throw new SecurityError('SECURITY_ANSWER_LENGTH', `encrypted_answer of ${encryptedAnswer.length} bytes is not a multiple of 16`);
  }
  const plain = crypto.aesIgeDecrypt(encryptedAnswer, key, iv);
  let answer: TlObject;
  let answerEnd: number;
  try {
    const reader = new TlReader(plain, 20);
    answer = readObject(reader) as TlObject;
    answerEnd = reader.position;
  } catch (cause) {
    // Wrong key material decodes to garbage: report it as the hash failure it really is.
    throw new SecurityError('SECURITY_ANSWER_HASH', 'decrypted server_DH_inner_data does not parse', { cause });
  }
  if (!constantTimeEqual(crypto.sha1(plain.subarray(20, answerEnd)), plain.subarray(0, 20))) {
    throw new SecurityError('SECURITY_ANSWER_HASH', 'SHA1 of server_DH_inner_data does not match');
  }
  const padding = plain.length - answerEnd;
  if (padding > 15) throw new SecurityError('SECURITY_ANSWER_PADDING', `server_DH_inner_data has ${padding} bytes of padding`);
  if (answer._ !== 'server_DH_inner_data') {
    throw new SecurityError('SECURITY_ANSWER_CONSTRUCTOR', `encrypted_answer holds ${answer._}, not server_DH_inner_data`);
  }
  return answer;
}

/** Random 2048-bit b with g_b inside the safe range (§6.5). */
function generateB(g: bigint, prime: bigint, crypto: CryptoProvider): { b: bigint; gB: bigint } {
  for (let i = 0; i < DH_G_B_ATTEMPTS; i++) {
    const b = bytesToBigInt(crypto.randomBytes(256));
    const gB = crypto.modPow(g, b, prime);
    try {
      checkDhValue(gB, prime, 'g_b');
      return { b, gB };
    } catch {
      // astronomically unlikely: draw another b
    }
  }
  throw new SecurityError('SECURITY_DH_RANGE', 'could not draw a g_b inside the safe range');
}

/** SHA1(data) ‖ data ‖ random padding up to a multiple of 16 (step 7). */
function withSha1AndPadding(data: Uint8Array, crypto: CryptoProvider): Uint8Array {
  const length = 20 + data.length;
  const padded = new Uint8Array(length + ((16 - (length % 16)) % 16));
  padded.set(crypto.sha1(data), 0);
  padded.set(data, 20);
  crypto.randomFill(padded.subarray(length));
  return padded;
}
