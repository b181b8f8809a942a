import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDcsOverride } from '../src/dc/load.node.js';
import { parseDcsOverride } from '../src/dc/override.js';

const line = {
  dcs: [
    { id: 1, host: '127.0.0.1', tcpPort: 40001, wsUrl: 'ws://127.0.0.1:40002/apiws', wssUrl: 'wss://localhost:40003/apiws' },
    { id: 2, host: '127.0.0.1', tcpPort: 40011, wsUrl: 'ws://127.0.0.1:40012/apiws', wssUrl: 'wss://localhost:40013/apiws' },
  ],
  rsaPublicKeyPem: 'server.pem',
  tlsCaPem: 'ca.pem',
  controlUrl: 'http://127.0.0.1:40100',
};

describe('parseDcsOverride', () => {
  it('accepts the test DC line', () => {
    expect(parseDcsOverride(line)).toEqual(line);
  });

  it.each([
    [null, /expected an object/],
    [{ dcs: [] }, /non-empty array/],
    [{ dcs: [{ id: 0 }] }, /dcs\[0\]\.id/],
    [{ dcs: [{ id: 1, tcpPort: 70000 }] }, /tcpPort/],
    [{ dcs: [{ id: 1, wsUrl: 'http://x/apiws' }] }, /wsUrl must start with ws:/],
    [{ dcs: [{ id: 1, wssUrl: 'ws://x/apiws' }] }, /wssUrl must start with wss:/],
    [{ dcs: [{ id: 1 }], test: 'yes' }, /"test"/],
  ])('rejects %j', (value, message) => {
    expect(() => parseDcsOverride(value)).toThrow(message);
  });
});

describe('loadDcsOverride', () => {
  it('reads the first JSON line of a file and inlines the PEM files next to it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'x-client-dcs-'));
    try {
      await writeFile(join(dir, 'server.pem'), '-----BEGIN RSA PUBLIC KEY-----\nAAA\n-----END RSA PUBLIC KEY-----\n');
      await writeFile(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n');
      await writeFile(join(dir, 'dcs.json'), `${JSON.stringify(line)}\nlog line after\n`);
      const override = await loadDcsOverride(join(dir, 'dcs.json'));
      expect(override.dcs).toHaveLength(2);
      expect(override.rsaPublicKeyPem).toContain('BEGIN RSA PUBLIC KEY');
      expect(override.tlsCaPem).toContain('BEGIN CERTIFICATE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what is wrong with a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'x-client-dcs-'));
    try {
      await writeFile(join(dir, 'empty.json'), 'nothing here\n');
      await expect(loadDcsOverride(join(dir, 'empty.json'))).rejects.toThrow(/no JSON object/);
      await writeFile(join(dir, 'bad.json'), '{"dcs": [\n');
      await expect(loadDcsOverride(join(dir, 'bad.json'))).rejects.toThrow(/not valid JSON/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
