import { describe, expect, it } from 'vitest';
import { SecurityError } from '../../src/index.js';
import { createSession } from './helpers.js';
import { ScriptedServer } from './scripted-server.js';

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
    const result = await session.invoke({ _: 'help.getNearestDc' });
    expect(result).toEqual({ _: 'nearestDc', country: 'NL', thisDc: 2, nearestDc: 2 });
    await session.close();
  });
});
