// DcEndpoint is declared in this package (no dependency) but must fit @x/mtproto-core's TransportTarget.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, expectTypeOf, it } from 'vitest';
import type { TransportTarget } from '@x/mtproto-core';
import type { DcEndpoint } from '../src/index.js';
import { DcRegistry } from '../src/index.js';

it('endpoints are TransportTargets', () => {
  expectTypeOf<DcEndpoint>().toExtend<TransportTarget>();
  const target: TransportTarget = new DcRegistry().resolve(2, { transport: 'websocket' })[0];
  expect(target.url).toBe('wss://venus.web.telegram.org/apiws');
});

it('the sources are browser-safe: no imports at all besides their siblings, no Buffer or process', () => {
  const dir = new URL('../src/', import.meta.url);
  for (const name of readdirSync(dir)) {
    const text = readFileSync(new URL(name, dir), 'utf8');
    for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) expect(specifier, name).toMatch(/^\.\/[\w-]+\.js$/);
    expect(text, name).not.toMatch(/\bBuffer\b|\bprocess\.|require\(/);
  }
});

it('the package has no dependencies', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  expect(manifest.dependencies ?? {}).toEqual({});
});
