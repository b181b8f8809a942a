import { serializeTl, type TlObject } from '@x/mtproto-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptV1 } from '../src/crypto/message-crypto.js';
import { randomBytes } from '../src/crypto/node-crypto.js';
import { concatBytes, readInt64 } from '../src/util/bytes.js';
import type { TestDc } from '../src/index.js';
import type { PublicKey } from './helpers/client-crypto.js';
import { RpcErrorResult, type MiniClient } from './helpers/mini-client.js';
import { botTokenFor, openClient, startServer } from './helpers/setup.js';

let dc: TestDc;
let publicKey: PublicKey;
const tcp = { kind: 'tcp', framing: 'intermediate', obfuscated: true } as const;
const open: MiniClient[] = [];

async function client(dcId = 1): Promise<MiniClient> {
  const c = await openClient(dc, dcId, tcp);
  open.push(c);
  return c;
}

beforeAll(async () => {
  ({ dc, publicKey } = await startServer());
});
afterAll(async () => {
  for (const c of open) c.close();
  await dc.close();
});
beforeEach(() => dc.control.clearViolations());

describe('auth key exchange variants', () => {
  it.each([
    ['p_q_inner_data', 'legacy', undefined],
    ['p_q_inner_data', 'rsa_pad', undefined],
    ['p_q_inner_data_dc', 'legacy', 1],
    ['p_q_inner_data_dc', 'rsa_pad', 10001],
    ['p_q_inner_data_dc', 'rsa_pad', -1],
    ['p_q_inner_data_dc', 'rsa_pad', 0],
  ] as const)('%s with %s encryption (dc %s)', async (inner, scheme, dcValue) => {
    const c = await client();
    await c.createAuthKey({ publicKey, inner, scheme, ...(dcValue !== undefined ? { dc: dcValue } : {}) });
    expect((await c.invoke({ _: 'help.getNearestDc' }, { layer: true })).thisDc).toBe(1);
    expect(dc.control.violations()).toEqual([]);
  });

  it('accepts the old req_pq', async () => {
    const c = await client();
    await c.createAuthKey({ publicKey, useOldReqPq: true });
    expect((await c.invoke({ _: 'help.getConfig' }, { layer: true }))._).toBe('config');
  });

  it('answers an identical req_pq_multi with the identical resPQ', async () => {
    const c = await client();
    const nonce = randomBytes(16);
    const first = await c.plainCall({ _: 'req_pq_multi', nonce });
    const second = await c.plainCall({ _: 'req_pq_multi', nonce });
    expect(second.serverNonce).toEqual(first.serverNonce);
    expect(second.pq).toEqual(first.pq);
  });

  it('goes through dh_gen_retry with retry_id = auth_key_aux_hash', async () => {
    dc.control.forceDhGenRetry(1, 2);
    const c = await client();
    await c.createAuthKey({ publicKey });
    expect((await c.invoke({ _: 'help.getNearestDc' }, { layer: true }))._).toBe('nearestDc');
  });

  it('answers dh_gen_fail to a g_b outside the safe range', async () => {
    const c = await client();
    await expect(c.createAuthKey({ publicKey, gB: 1n })).rejects.toThrow('dh_gen_fail');
    // The connection stays usable for a new exchange.
    await c.createAuthKey({ publicKey });
    expect((await c.invoke({ _: 'help.getNearestDc' }, { layer: true })).thisDc).toBe(1);
  });

  it('answers -444 to a p_q_inner_data_dc naming another DC', async () => {
    const c = await client();
    await expect(c.createAuthKey({ publicKey, dc: 7 })).rejects.toThrow();
    await c.waitClosed();
    expect(c.transportErrors).toEqual([-444]);
  });

  it('answers -404 to a wrong fingerprint and reports it in strict mode', async () => {
    const c = await client();
    await expect(c.createAuthKey({ publicKey: { ...publicKey, fingerprint: 12345n } })).rejects.toThrow(/not offered/);
    const nonce = randomBytes(16);
    const resPq = await c.plainCall({ _: 'req_pq_multi', nonce });
    c.sendPlain(
      serializeTl({
        _: 'req_DH_params',
        nonce,
        serverNonce: resPq.serverNonce,
        p: new Uint8Array([1]),
        q: new Uint8Array([1]),
        publicKeyFingerprint: publicKey.fingerprint,
        encryptedData: new Uint8Array(256),
      } as unknown as TlObject),
    );
    await c.waitClosed();
    expect(c.transportErrors).toEqual([-404]);
    expect(dc.control.violations().map((violation) => violation.kind)).toEqual(['handshake-invalid']);
  });

  it('answers -404 to an unknown auth_key_id', async () => {
    const c = await client();
    c.authKey = { key: randomBytes(256), id: 1n, idBytes: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), salt: 0n, timeOffset: 0 };
    c.sendEncrypted(serializeTl({ _: 'help.getConfig' } as unknown as TlObject));
    await c.waitClosed();
    expect(c.transportErrors).toEqual([-404]);
  });
});

describe('temporary keys (PFS)', () => {
  it('refuses API calls until bound, then binds with auth.bindTempAuthKey and acts as the permanent key', async () => {
    const token = botTokenFor(1, [1, 2, 3], 7);
    const perm = await client();
    await perm.createAuthKey({ publicKey });
    await perm.invoke({ _: 'auth.importBotAuthorization', flags: 0, apiId: 1, apiHash: 'h', botAuthToken: token }, { layer: true });

    const temp = await client();
    await temp.createAuthKey({ publicKey, inner: 'p_q_inner_data_temp_dc', expiresIn: 600 });
    const refused = await temp.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }, { layer: true }).catch((error: unknown) => error);
    expect((refused as RpcErrorResult).errorMessage).toBe('AUTH_KEY_PERM_EMPTY');

    const permKey = perm.authKey!;
    const tempKey = temp.authKey!;
    const msgId = temp.newMsgId();
    const nonce = readInt64(randomBytes(8), 0);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const inner = serializeTl({
      _: 'bind_auth_key_inner',
      nonce,
      tempAuthKeyId: tempKey.id,
      permAuthKeyId: permKey.id,
      tempSessionId: temp.sessionId,
      expiresAt,
    } as TlObject);
    const header = new Uint8Array(32);
    header.set(randomBytes(16));
    const view = new DataView(header.buffer);
    view.setBigInt64(16, msgId, true);
    view.setInt32(24, 0, true);
    view.setInt32(28, inner.length, true);
    const unpadded = concatBytes(header, inner);
    const padded = concatBytes(unpadded, randomBytes((16 - (unpadded.length % 16)) % 16));
    const { msgKey, encrypted } = encryptV1(permKey.key, unpadded, padded);
    temp.sendEncrypted(
      serializeTl({
        _: 'auth.bindTempAuthKey',
        permAuthKeyId: permKey.id,
        nonce,
        expiresAt,
        encryptedMessage: concatBytes(permKey.idBytes, msgKey, encrypted),
      } as unknown as TlObject),
      { msgId },
    );
    const bound = await temp.waitFor((message) => message.object._ === 'rpc_result' && message.object.reqMsgId === msgId);
    expect(bound.object.result).toBe(true);
    const users = await temp.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }, { layer: true });
    expect(users[0].id).toBe(BigInt(token.split(':')[0]));
    // auth.dropTempAuthKeys on the permanent key forgets the bound temporary key: -404 for it.
    expect(await perm.invoke({ _: 'auth.dropTempAuthKeys', exceptAuthKeys: [] })).toBe(true);
    temp.sendEncrypted(serializeTl({ _: 'help.getNearestDc' } as unknown as TlObject));
    await temp.waitClosed();
    expect(temp.transportErrors).toEqual([-404]);
    expect(dc.control.violations()).toEqual([]);
  });
});
