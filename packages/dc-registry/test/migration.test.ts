import { expect, it } from 'vitest';
import { RpcError } from '@x/mtproto-core';
import { DcRegistry, parseMigration } from '../src/index.js';

it('USER/PHONE/NETWORK_MIGRATE make the DC home; FILE/STATS_MIGRATE do not', () => {
  const registry = new DcRegistry();
  expect(registry.homeDc()).toBeUndefined();
  expect(registry.noteMigration('PHONE_MIGRATE_4')).toEqual({ dcId: 4, home: true, kind: 'PHONE' });
  expect(registry.homeDc()).toBe(4);
  expect(registry.noteMigration(new RpcError(303, 'USER_MIGRATE_2'))).toMatchObject({ dcId: 2, home: true });
  expect(registry.homeDc()).toBe(2);
  expect(registry.noteMigration('FILE_MIGRATE_5')).toEqual({ dcId: 5, home: false, kind: 'FILE' });
  expect(registry.noteMigration('STATS_MIGRATE_3')).toMatchObject({ home: false });
  expect(registry.homeDc()).toBe(2);
  registry.noteMigration('NETWORK_MIGRATE_3', { test: true });
  expect(registry.homeDc({ test: true })).toBe(3);
  expect(registry.homeDc()).toBe(2);
});

it('ignores other errors and nonsense', () => {
  const registry = new DcRegistry();
  for (const text of ['FLOOD_WAIT_5', 'USER_MIGRATE_', 'USER_MIGRATE_0', 'XUSER_MIGRATE_2', 'USER_MIGRATE_2 ', '']) {
    expect(registry.noteMigration(text)).toBeUndefined();
  }
  expect(parseMigration({ errorMessage: 42 })).toBeUndefined();
  expect(registry.homeDc()).toBeUndefined();
});

it('setHomeDc sets and clears, refusing bad ids', () => {
  const registry = new DcRegistry();
  registry.setHomeDc(5);
  expect(registry.homeDc()).toBe(5);
  registry.setHomeDc(undefined);
  expect(registry.homeDc()).toBeUndefined();
  expect(() => registry.setHomeDc(-1)).toThrow(expect.objectContaining({ code: 'DC_BAD_INPUT' }));
});
