/** The README's quick start, run as written (only the import line is replaced). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startTestDc } from '../src/index.js';

it('runs the README quick start', async () => {
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toContain("import { startTestDc } from '@x/test-dc';");
  const code = block!.replace(/^import .*$/m, '');
  const lines: unknown[][] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('startTestDc', 'console', code)(startTestDc, { log: (...values: unknown[]) => lines.push(values) });
  expect(lines[0][0]).toMatchObject({ id: 1, host: '127.0.0.1' });
  expect(String(lines[1][0])).toContain('BEGIN RSA PUBLIC KEY');
  expect(lines[2][0]).toMatchObject({ text: 'hi Bob', fromId: 777000101 });
  expect(lines[3][0]).toEqual([]);
});
