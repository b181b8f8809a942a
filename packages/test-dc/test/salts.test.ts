import { describe, expect, it } from 'vitest';
import { SaltSchedule } from '../src/session/salts.js';

describe('server salts', () => {
  const policy = { periodSeconds: 100, graceSeconds: 50 };

  it('rotate every period; an old salt stays accepted for the grace time only', () => {
    const salts = new SaltSchedule(7n, 1000, policy);
    expect(salts.current(1000)).toBe(7n);
    expect(salts.current(1099)).toBe(7n);
    const next = salts.current(1100);
    expect(next).not.toBe(7n);
    expect(salts.accepts(7n, 1149)).toBe(true);
    expect(salts.accepts(7n, 1150)).toBe(false);
    expect(salts.accepts(next, 1150)).toBe(true);
  });

  it('lists future salts back to back, starting with the current one', () => {
    const salts = new SaltSchedule(7n, 1000, policy);
    const future = salts.future(1050, 64);
    expect(future).toHaveLength(64);
    expect(future[0]).toMatchObject({ salt: 7n, validSince: 1000, validUntil: 1100 });
    for (let i = 1; i < future.length; i++) expect(future[i].validSince).toBe(future[i - 1].validUntil);
    // Promised salts are kept: the second one becomes current when its time comes.
    expect(salts.current(1100)).toBe(future[1].salt);
  });

  it('rotateNow replaces every salt at once', () => {
    const salts = new SaltSchedule(7n, 1000, policy);
    const fresh = salts.rotateNow(1010);
    expect(salts.accepts(7n, 1010)).toBe(false);
    expect(salts.current(1010)).toBe(fresh);
  });

  it('after a long idle time starts again from a fresh salt instead of minting every missed one', () => {
    const salts = new SaltSchedule(7n, 1000, policy);
    const later = salts.current(10_000_000);
    expect(salts.accepts(later, 10_000_000)).toBe(true);
    expect(salts.future(10_000_000, 2)).toHaveLength(2);
  });
});
