// The README's runnable example, run as written (the package import points at the sources).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

const root = new URL('../', import.meta.url);
const file = new URL('test/.readme-example.mjs', root);

afterEach(() => {
  rmSync(file, { force: true });
  vi.restoreAllMocks();
});

it('the README example runs and prints what its comments say', async () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  writeFileSync(file, example!.replace("'@x/dc-registry'", "'../src/index.ts'"));
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  await import(/* @vite-ignore */ `${file.href}?t=${Date.now()}`);
  const promised = [...example!.matchAll(/\/\/ -> (.*)/g)].map((match) => match[1]);
  expect(promised.length).toBe(5);
  expect(lines).toEqual(promised);
});
