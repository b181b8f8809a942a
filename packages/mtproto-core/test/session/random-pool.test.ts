import { describe, expect, it } from 'vitest';
import { RandomPool, type CryptoProvider } from '../../src/index.js';
import { crypto } from './scripted-server.js';

describe('RandomPool', () => {
  it('hands out each pooled byte once and refills from the provider in batches', () => {
    let calls = 0;
    let counter = 0;
    const counting: CryptoProvider = {
      ...crypto,
      randomFill: (target) => {
        calls++;
        for (let i = 0; i < target.length; i++) target[i] = counter++ & 0xff;
        return target;
      },
    };
    const pool = new RandomPool(counting, 64);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) seen.push(...pool.fill(new Uint8Array(16)));
    expect(calls).toBe(2);
    expect(seen).toEqual(Array.from({ length: 128 }, (_, i) => i & 0xff));
    // Larger than the pool: straight from the provider.
    pool.fill(new Uint8Array(100));
    expect(calls).toBe(3);
  });
});
