import { expect, it } from 'vitest';
import { DcRegistry } from '../src/index.js';

// The shape of the local test DC's JSON line.
const testDcLine = JSON.stringify({
  dcs: [
    { id: 1, host: '127.0.0.1', tcpPort: 40001, wsUrl: 'ws://127.0.0.1:40101/apiws', wssUrl: 'wss://localhost:40201/apiws' },
    { id: 2, host: '127.0.0.1', tcpPort: 40002, wsUrl: 'ws://127.0.0.1:40102/apiws', wssUrl: 'wss://localhost:40202/apiws' },
  ],
  rsaPublicKeyPem: '/tmp/key.pem',
  tlsCaPem: '/tmp/ca.pem',
  controlUrl: 'http://127.0.0.1:40300',
});

it('fromTestDc: every transport resolves to the test DC and nothing else', () => {
  const registry = DcRegistry.fromTestDc(testDcLine);
  expect(registry.overridden).toBe(true);
  expect(registry.resolve(2, { transport: 'tcp' })).toEqual([
    { dcId: 2, test: false, media: false, host: '127.0.0.1', port: 40002, source: 'override' },
  ]);
  expect(registry.resolve(1, { transport: 'websocket' })).toEqual([
    { dcId: 1, test: false, media: false, host: 'localhost', port: 40201, url: 'wss://localhost:40201/apiws', source: 'override' },
  ]);
  expect(registry.resolve(1, { transport: 'ws', tls: false, test: true })).toEqual([
    { dcId: 1, test: true, media: false, host: '127.0.0.1', port: 40101, url: 'ws://127.0.0.1:40101/apiws', source: 'override' },
  ]);
  // Media connections go to the same place unless the table says otherwise.
  expect(registry.resolve(1, { transport: 'tcp', media: true })[0].port).toBe(40001);
  expect(() => registry.resolve(3, { transport: 'tcp' })).toThrow(expect.objectContaining({ code: 'DC_UNKNOWN', message: expect.stringContaining('DCs 1, 2') }));
  expect(registry.dcIds({ transport: 'websocket' })).toEqual([1, 2]);
});

it('the override wins over learned addresses and can be removed again', () => {
  const registry = new DcRegistry();
  registry.applyConfig({ dcOptions: [{ id: 1, ipAddress: '10.0.0.1', port: 443 }] });
  registry.setOverride({ dcs: [{ id: 1, host: '127.0.0.1', tcpPort: 4000 }], test: true });
  expect(registry.resolve(1, { transport: 'tcp' })).toEqual([{ dcId: 1, test: true, media: false, host: '127.0.0.1', port: 4000, source: 'override' }]);
  expect(() => registry.resolve(1, { transport: 'websocket' })).toThrow(expect.objectContaining({ code: 'DC_NO_ADDRESS', message: expect.stringContaining('wssUrl') }));
  registry.setOverride(undefined);
  expect(registry.resolve(1, { transport: 'tcp' })[0].host).toBe('10.0.0.1');
});

it('media variants of an override entry', () => {
  const registry = new DcRegistry({
    override: { dcs: [{ id: 2, host: '127.0.0.1', tcpPort: 4000, wssUrl: 'wss://localhost:4443/apiws', media: { wssUrl: 'wss://localhost:4444/apiws' } }] },
  });
  expect(registry.resolve(2, { transport: 'websocket', media: true })[0]).toMatchObject({ url: 'wss://localhost:4444/apiws', media: true });
  expect(registry.resolve(2, { transport: 'tcp', media: true })[0]).toMatchObject({ port: 4000, media: true });
  expect(registry.resolve(2, { transport: 'websocket' })[0]).toMatchObject({ url: 'wss://localhost:4443/apiws', media: false });
});

it('IPv6 URL hosts lose their brackets', () => {
  const registry = DcRegistry.fromTestDc({ dcs: [{ id: 1, wsUrl: 'ws://[::1]:9000/apiws' }] });
  expect(registry.resolve(1, { transport: 'websocket', tls: false })[0]).toMatchObject({ host: '::1', port: 9000 });
});

it('refuses malformed overrides with DC_BAD_INPUT', () => {
  const bad: unknown[] = [
    'not json',
    {},
    { dcs: [] },
    { dcs: [{ id: 0, host: 'h', tcpPort: 1 }] },
    { dcs: [{ id: 1 }] },
    { dcs: [{ id: 1, host: 'h' }] },
    { dcs: [{ id: 1, host: 'h', tcpPort: 65536 }] },
    { dcs: [{ id: 1, wsUrl: 'wss://h/apiws' }] },
    { dcs: [{ id: 1, wssUrl: 'http://h/apiws' }] },
    { dcs: [{ id: 1, wssUrl: 'not a url' }] },
    { dcs: [{ id: 1, host: 'h', tcpPort: 1 }, { id: 1, host: 'h', tcpPort: 2 }] },
    { dcs: [{ id: 1, host: 'h', tcpPort: 1 }], test: 'yes' },
    { dcs: [{ id: 1, host: 'h', tcpPort: 1, media: 5 }] },
  ];
  for (const input of bad) {
    expect(() => DcRegistry.fromTestDc(input as never), JSON.stringify(input)).toThrow(expect.objectContaining({ code: 'DC_BAD_INPUT' }));
  }
});
