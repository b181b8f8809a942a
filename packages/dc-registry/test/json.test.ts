import { expect, it } from 'vitest';
import { DcRegistry, type DcRegistryJson } from '../src/index.js';

function learnedRegistry(): DcRegistry {
  const registry = new DcRegistry();
  registry.applyConfig({
    forceTryIpv6: true,
    dcOptions: [
      { _: 'dcOption', id: 2, ipAddress: '10.0.0.2', port: 443, static: true },
      { _: 'dcOption', id: 2, ipv6: true, mediaOnly: true, ipAddress: '2001:db8::2', port: 8443, thisPortOnly: true },
      { _: 'dcOption', id: 9, tcpoOnly: true, ipAddress: '10.0.0.9', port: 80, secret: Uint8Array.of(0xdd, 1, 2, 3) },
      { _: 'dcOption', id: 203, cdn: true, ipAddress: '10.2.0.3', port: 443 },
    ],
  });
  registry.applyConfig({ dcOptions: [{ id: 1, ipAddress: '10.1.0.1', port: 443 }] }, { test: true });
  registry.noteMigration('USER_MIGRATE_2');
  registry.setHomeDc(1, { test: true });
  return registry;
}

it('round-trips through JSON text: same endpoints for every query', () => {
  const registry = learnedRegistry();
  const text = JSON.stringify(registry);
  const restored = DcRegistry.fromJSON(text);
  const queries = [
    [2, { transport: 'tcp' }],
    [2, { transport: 'tcp', media: true, ipv6: true }],
    [9, { transport: 'tcp' }],
    [203, { transport: 'tcp', cdn: true }],
    [1, { transport: 'tcp', test: true }],
    [3, { transport: 'websocket', media: true }],
  ] as const;
  for (const [dcId, options] of queries) expect(restored.resolve(dcId, options)).toEqual(registry.resolve(dcId, options));
  expect(restored.homeDc()).toBe(2);
  expect(restored.homeDc({ test: true })).toBe(1);
  expect(JSON.stringify(restored)).toBe(text);
});

it('saves a compact, readable form with hex secrets', () => {
  const json = learnedRegistry().toJSON();
  expect(json.version).toBe(1);
  expect(json.production.homeDcId).toBe(2);
  expect(json.production.preferIpv6).toBe(true);
  expect(json.production.dcOptions).toContainEqual({ id: 9, ip: '10.0.0.9', port: 80, flags: ['tcpoOnly'], secret: 'dd010203' });
  expect(json.production.dcOptions).toContainEqual({ id: 2, ip: '2001:db8::2', port: 8443, flags: ['ipv6', 'media', 'thisPortOnly'] });
});

it('an empty registry saves and restores as empty', () => {
  const text = JSON.stringify(new DcRegistry());
  expect(JSON.parse(text)).toEqual({ version: 1, production: {}, test: {} });
  expect(DcRegistry.fromJSON(text).resolve(1, { transport: 'tcp' })[0].source).toBe('built-in');
});

it('does not save an override', () => {
  const registry = DcRegistry.fromTestDc({ dcs: [{ id: 1, host: '127.0.0.1', tcpPort: 5000 }] });
  expect(registry.toJSON()).toEqual({ version: 1, production: {}, test: {} });
});

it('refuses damaged JSON with DC_BAD_JSON', () => {
  const good = learnedRegistry().toJSON();
  const damaged: unknown[] = [
    '{not json',
    'null',
    { ...good, version: 2 },
    { ...good, production: { dcOptions: 'x' } },
    { ...good, production: { homeDcId: -1 } },
    { ...good, production: { preferIpv6: 'yes' } },
    { ...good, production: { dcOptions: [{ id: 1, ip: '10.0.0.1', port: 0 }] } },
    { ...good, production: { dcOptions: [{ id: 1, ip: '10.0.0.1', port: 443, secret: 'zz' }] } },
    { ...good, production: { dcOptions: [null] } },
  ];
  for (const input of damaged) {
    expect(() => DcRegistry.fromJSON(input as DcRegistryJson), JSON.stringify(input)).toThrow(expect.objectContaining({ code: 'DC_BAD_JSON' }));
  }
});
