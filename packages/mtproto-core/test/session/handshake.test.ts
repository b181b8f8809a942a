// The auth-key exchange through MtprotoSession.connect(), against the scripted server: the happy
// path, DC ids, dh_gen_retry/fail, and every check of spec §6.6 fed a bad value.
import { generatePrimeSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bigIntToBytes,
  computeNewNonceHash,
  handshakeDcId,
  ProtocolError,
  SecurityError,
  TELEGRAM_DH_PRIME,
  TimeoutError,
  TransportError,
  type Tl,
} from '../../src/index.js';
import { createSession } from './helpers.js';
import { crypto, ScriptedServer, type HandshakeFaults } from './scripted-server.js';

/** A session against a server with `faults`; connect() retries the exchange up to 3 times. */
function faulty(faults: HandshakeFaults) {
  const server = new ScriptedServer();
  server.faults = faults;
  const { session, log } = createSession(server, { handshakeTimeoutMs: 2000 });
  return { server, session, log };
}

async function expectRejected(faults: HandshakeFaults, code: string, message?: RegExp): Promise<ScriptedServer> {
  const { server, session } = faulty(faults);
  const error = await session.connect().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SecurityError);
  expect((error as SecurityError).code).toBe(code);
  if (message) expect((error as Error).message).toMatch(message);
  // Nothing was kept: no key, and the server never finished an exchange.
  expect(session.authKey).toBeUndefined();
  expect(server.authKeys.size).toBe(0);
  await session.close();
  return server;
}

const flip = (bytes: Uint8Array): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[0] ^= 0xff;
  return copy;
};

describe('auth-key exchange through the session', () => {
  it('creates a key the server agrees on, then runs calls over it', async () => {
    const server = new ScriptedServer();
    const { session } = createSession(server);
    const keys: bigint[] = [];
    session.on('authKey', (key) => keys.push(key.authKeyId));
    await session.connect();
    const key = session.authKey!;
    expect(key.authKey).toHaveLength(256);
    expect(server.authKeys.get(key.authKeyId)).toEqual(key.authKey);
    expect(key.serverSalt).toBe(server.salt);
    expect(keys).toEqual([key.authKeyId]);
    expect(server.handshakeDcIds).toEqual([2]);
    expect(server.retryIds).toEqual([0n]);
    const result = await session.invoke({ _: 'help.getNearestDc' });
    expect(result).toEqual({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 });
    await session.close();
  });

  it('records the server clock offset from server_time', async () => {
    const server = new ScriptedServer({ clockSkew: 5000 });
    const { session } = createSession(server);
    await session.connect();
    expect(Math.abs(session.authKey!.timeOffset - 5000)).toBeLessThanOrEqual(2);
    // The first call already carries a server-time msg_id: no bad_msg_notification needed.
    await session.invoke({ _: 'help.getNearestDc' });
    expect(server.calls('help.getNearestDc')).toHaveLength(1);
    await session.close();
  });

  it('sends the DC id with +10000 for test DCs and negated for media DCs', async () => {
    expect(handshakeDcId(2, false, false)).toBe(2);
    expect(handshakeDcId(2, true, false)).toBe(10002);
    expect(handshakeDcId(4, false, true)).toBe(-4);
    expect(handshakeDcId(4, true, true)).toBe(-10004);
    const server = new ScriptedServer();
    const { session } = createSession(server, { target: { dcId: 3, test: true, media: true } });
    await session.connect();
    expect(server.handshakeDcIds).toEqual([-10003]);
    await session.close();
  });

  it('answers dh_gen_retry with a new g_b and retry_id = auth_key_aux_hash', async () => {
    const server = new ScriptedServer();
    let firstKey: Uint8Array | undefined;
    server.faults.dhGen = (answer, { attempt, authKey, newNonce }) => {
      if (attempt > 0) return;
      firstKey = authKey;
      return { ...answer, _: 'dh_gen_retry', newNonceHash2: computeNewNonceHash(crypto, newNonce, authKey, 2) } as unknown as Tl<'dh_gen_ok'>;
    };
    const { session } = createSession(server);
    await session.connect();
    const aux = new DataView(crypto.sha1(firstKey!).buffer, crypto.sha1(firstKey!).byteOffset).getBigInt64(0, true);
    expect(server.retryIds).toEqual([0n, aux]);
    expect(session.authKey!.authKey).not.toEqual(firstKey);
    expect(server.connections).toHaveLength(1);
    await session.close();
  });

  it('restarts the exchange on a new connection after dh_gen_fail', async () => {
    const server = new ScriptedServer();
    server.faults.dhGen = (answer, { authKey, newNonce }) => {
      if (server.connections.length > 1) return;
      return { ...answer, _: 'dh_gen_fail', newNonceHash3: computeNewNonceHash(crypto, newNonce, authKey, 3) } as unknown as Tl<'dh_gen_ok'>;
    };
    const { session, log } = createSession(server);
    await session.connect();
    expect(server.connections).toHaveLength(2);
    expect(log.codes()).toContain('HANDSHAKE_DH_GEN_FAIL');
    expect(server.authKeys.get(session.authKey!.authKeyId)).toEqual(session.authKey!.authKey);
    await session.close();
  });

  it('restarts the exchange when the server answers -404 during it', async () => {
    const server = new ScriptedServer();
    server.faults.resPQ = () => {
      if (server.connections.length === 1) server.lastConnection.sendTransportError(-404);
    };
    const { session } = createSession(server, { handshakeTimeoutMs: 2000 });
    await session.connect();
    expect(server.connections.length).toBeGreaterThanOrEqual(2);
    await session.close();
  });

  it('gives up with the transport error on -444 (wrong DC id for this server)', async () => {
    const server = new ScriptedServer();
    server.faults.resPQ = () => server.lastConnection.sendTransportError(-444);
    const { session } = createSession(server, { handshakeTimeoutMs: 2000 });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).transportCode).toBe(-444);
    expect(server.connections).toHaveLength(1);
    await session.close();
  });

  it('times out when the server never answers, after three attempts', async () => {
    const server = new ScriptedServer();
    server.faults.resPQ = () => {
      server.lastConnection.blackhole = true;
    };
    const { session } = createSession(server, { handshakeTimeoutMs: 50 });
    await expect(session.connect()).rejects.toBeInstanceOf(TimeoutError);
    expect(server.connections).toHaveLength(3);
    await session.close();
  });

  it('aborts the exchange with the connect signal', async () => {
    const server = new ScriptedServer();
    server.faults.resPQ = () => {
      server.lastConnection.blackhole = true;
    };
    const { session } = createSession(server, { handshakeTimeoutMs: 10_000 });
    const controller = new AbortController();
    const connecting = session.connect({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(connecting).rejects.toMatchObject({ code: 'ABORTED' });
    expect(server.connections).toHaveLength(1);
    await session.close();
  });
});

describe('auth-key exchange security checks (spec §6.6)', () => {
  it('resPQ: rejects a nonce that is not ours', async () => {
    await expectRejected({ resPQ: (a) => void (a.nonce = flip(a.nonce)) }, 'SECURITY_NONCE');
  });

  it('resPQ: refuses when no offered fingerprint is known, naming them, without retrying', async () => {
    const server = await expectRejected(
      { resPQ: (a) => void (a.serverPublicKeyFingerprints = [0x0102030405060708n]) },
      'SECURITY_UNKNOWN_FINGERPRINT',
      /0102030405060708.*rsaKeys/,
    );
    expect(server.connections).toHaveLength(1);
  });

  it('resPQ: rejects a pq that is prime or too large', async () => {
    await expectRejected({ resPQ: (a) => void (a.pq = bigIntToBytes(0x494c553bn)) }, 'SECURITY_PQ');
    await expectRejected({ resPQ: (a) => void (a.pq = new Uint8Array(9).fill(0x17)) }, 'SECURITY_PQ');
  });

  it('server_DH_params_ok: rejects a bad nonce and a bad server_nonce', async () => {
    await expectRejected({ dhParams: (a) => void (a.nonce = flip(a.nonce)) }, 'SECURITY_NONCE');
    await expectRejected({ dhParams: (a) => void (a.serverNonce = flip(a.serverNonce)) }, 'SECURITY_SERVER_NONCE');
  });

  it('server_DH_params_ok: rejects an encrypted_answer whose length is not a multiple of 16', async () => {
    await expectRejected(
      { dhParams: (a) => void (a.encryptedAnswer = a.encryptedAnswer.subarray(0, a.encryptedAnswer.length - 4)) },
      'SECURITY_ANSWER_LENGTH',
    );
  });

  it('decrypted answer: rejects a SHA1 that does not match', async () => {
    await expectRejected({ answerWithHash: (plain) => flip(plain) }, 'SECURITY_ANSWER_HASH');
  });

  it('decrypted answer: rejects 16 or more bytes of padding', async () => {
    await expectRejected(
      {
        answerWithHash: (plain) => {
          const longer = new Uint8Array(plain.length + 16);
          longer.set(plain);
          return longer;
        },
      },
      'SECURITY_ANSWER_PADDING',
    );
  });

  it('decrypted answer: rejects a bad nonce or server_nonce inside server_DH_inner_data', async () => {
    await expectRejected({ serverDhInner: (d) => void (d.nonce = flip(d.nonce)) }, 'SECURITY_NONCE');
    await expectRejected({ serverDhInner: (d) => void (d.serverNonce = flip(d.serverNonce)) }, 'SECURITY_SERVER_NONCE');
  });

  it('DH: rejects a prime that is not 2048 bits', async () => {
    const small = generatePrimeSync(2047, { bigint: true });
    await expectRejected({ serverDhInner: (d) => void (d.dhPrime = bigIntToBytes(small)) }, 'SECURITY_DH_PRIME', /2048-bit/);
  });

  it('DH: rejects an unknown 2048-bit prime that is not a safe prime, and a composite', async () => {
    // g = 3 needs p mod 3 = 2, so that the generator check passes and the primality check decides.
    let prime: bigint;
    do prime = generatePrimeSync(2048, { bigint: true });
    while (prime % 3n !== 2n || (prime >> 2047n) !== 1n);
    await expectRejected({ serverDhInner: (d) => void (d.dhPrime = bigIntToBytes(prime)) }, 'SECURITY_DH_PRIME', /safe prime/);
    // p - 6: still 2 mod 3 and 2048 bits, but divisible by 7 (p mod 7 = 6).
    const composite = TELEGRAM_DH_PRIME - 6n;
    expect(composite % 7n).toBe(0n);
    await expectRejected({ serverDhInner: (d) => void (d.dhPrime = bigIntToBytes(composite)) }, 'SECURITY_DH_PRIME', /safe prime/);
  });

  it('DH: rejects a g that does not generate the (p-1)/2 subgroup', async () => {
    // Telegram's prime is 3 mod 8, so g = 2 is wrong for it; 9 is never allowed.
    await expectRejected({ serverDhInner: (d) => void (d.g = 2) }, 'SECURITY_DH_G', /g = 2/);
    await expectRejected({ serverDhInner: (d) => void (d.g = 9) }, 'SECURITY_DH_G', /g = 9/);
  });

  it('DH: rejects g_a outside (2^1984, p - 2^1984)', async () => {
    for (const gA of [1n, TELEGRAM_DH_PRIME - 1n, 1n << 1000n, TELEGRAM_DH_PRIME - (1n << 1000n)]) {
      await expectRejected({ serverDhInner: (d) => void (d.gA = bigIntToBytes(gA)) }, 'SECURITY_DH_RANGE', /g_a/);
    }
  });

  it('dh_gen: rejects a bad nonce, a bad server_nonce and a bad new_nonce_hash', async () => {
    await expectRejected({ dhGen: (a) => ({ ...a, nonce: flip(a.nonce) }) }, 'SECURITY_NONCE');
    await expectRejected({ dhGen: (a) => ({ ...a, serverNonce: flip(a.serverNonce) }) }, 'SECURITY_SERVER_NONCE');
    await expectRejected({ dhGen: (a) => ({ ...a, newNonceHash1: flip(a.newNonceHash1) }) }, 'SECURITY_NEW_NONCE_HASH');
  });

  it('dh_gen_retry / dh_gen_fail: the hash must match its own number', async () => {
    // A retry that carries hash 1 instead of hash 2 is a forgery.
    await expectRejected(
      { dhGen: (a) => ({ ...a, _: 'dh_gen_retry', newNonceHash2: a.newNonceHash1 }) as unknown as Tl<'dh_gen_ok'> },
      'SECURITY_NEW_NONCE_HASH',
    );
    await expectRejected(
      { dhGen: (a) => ({ ...a, _: 'dh_gen_fail', newNonceHash3: a.newNonceHash1 }) as unknown as Tl<'dh_gen_ok'> },
      'SECURITY_NEW_NONCE_HASH',
    );
  });

  it('client side: never sends a g_b outside the safe range', async () => {
    // With b = 0 every draw gives g_b = 1: the client must refuse rather than send it.
    const server = new ScriptedServer();
    const zeroB = { ...crypto, randomBytes: (n: number) => (n === 256 ? new Uint8Array(256) : crypto.randomBytes(n)) };
    const { session } = createSession(server, { crypto: zeroB, handshakeTimeoutMs: 2000 });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecurityError);
    expect((error as SecurityError).code).toBe('SECURITY_DH_RANGE');
    expect(server.retryIds).toEqual([]);
    await session.close();
  });

  it('rejects an unexpected answer constructor as a protocol error', async () => {
    const { session } = faulty({
      dhParams: (a) => ({ _: 'resPQ', nonce: a.nonce, serverNonce: a.serverNonce, pq: new Uint8Array(8), serverPublicKeyFingerprints: [] }),
    });
    const error = await session.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe('HANDSHAKE_UNEXPECTED');
    await session.close();
  });
});
