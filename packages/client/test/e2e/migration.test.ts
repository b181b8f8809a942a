import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import { MemorySessionStorage } from '../../src/index.node.js';
import { BOT_HOME_DC, BOT_ID, KINDS, connectionsSince, lastConnectionId, newClient, startDc, transportFor } from './helpers.js';

describe.each(KINDS)('DC migration over %s', (kind) => {
  let dc: TestDc;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });

  it('follows USER_MIGRATE from any DC, stores the home DC, and goes straight there next time', async () => {
    const storage = new MemorySessionStorage();
    const first = newClient(dc, { ...transportFor(kind), storage });
    await first.connect(5);
    try {
      expect(first.dcId).toBe(BOT_HOME_DC);
      expect(first.me?.id).toBe(BigInt(BOT_ID));
    } finally {
      await first.stop();
    }
    const saved = await storage.load();
    expect(saved?.homeDcId).toBe(BOT_HOME_DC);
    expect([...saved!.dcs.keys()].sort()).toEqual([BOT_HOME_DC, 5].sort());
    expect(saved!.dcs.get(BOT_HOME_DC)?.authorized).toBe(true);
    expect(saved!.dcs.get(5)?.authorized).toBe(false);

    const since = lastConnectionId(dc);
    const second = newClient(dc, { ...transportFor(kind), storage });
    await second.connect();
    try {
      expect(second.dcId).toBe(BOT_HOME_DC);
      expect(second.connectionInfo()?.authKey).toBe('reused');
      expect(connectionsSince(dc, 2, since)).toBe(0);
      expect(connectionsSince(dc, 5, since)).toBe(0);
      expect(connectionsSince(dc, BOT_HOME_DC, since)).toBe(1);
      expect((await second.sendMessage('@bob', 'from the home DC')).text).toBe('from the home DC');
    } finally {
      await second.stop();
    }
  });

  it('runs a call on another DC through exported authorization, and FILE_MIGRATE downloads from the file DC', async () => {
    const client = newClient(dc, transportFor(kind));
    await client.connect();
    try {
      // Explicit cross-DC call: export on the home DC, import on DC 1, then call there.
      const users = await client.invoke({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] }, { dcId: 1 });
      expect(users[0]?._ === 'user' && users[0].id).toBe(BigInt(BOT_ID));

      // The seeded document lives on another DC: the home DC answers FILE_MIGRATE_X.
      const document = dc.control.documents()[0]!;
      expect(document.dcId).not.toBe(BOT_HOME_DC);
      const part = await client.invoke({
        _: 'upload.getFile',
        location: { _: 'inputDocumentFileLocation', id: document.id, accessHash: document.accessHash, fileReference: document.fileReference, thumbSize: '' },
        offset: 0n,
        limit: 64 * 1024,
      });
      expect(part._).toBe('upload.file');
      if (part._ === 'upload.file') expect(part.bytes).toEqual(document.bytes.subarray(0, 64 * 1024));
      expect(dc.control.connections(document.dcId).some((connection) => connection.userId === BOT_ID)).toBe(true);
    } finally {
      await client.stop();
    }
    expect(dc.violations()).toEqual([]);
  });
});
