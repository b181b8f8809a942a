// The README's runnable example, run as written (the package import points at the sources).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';

const root = new URL('../', import.meta.url);
const file = new URL('test/.readme-example.mjs', root);

afterEach(() => {
  rmSync(file, { force: true });
  vi.restoreAllMocks();
});

it('the README example runs and prints the round trip', async () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  writeFileSync(file, example!.replace("'@x/transport-ws'", "'../src/index.node.ts'"));
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
  await import(/* @vite-ignore */ `${file.href}?t=${Date.now()}`);
  await vi.waitFor(() => expect(lines).toContain('closed by client'));
  expect(lines[0]).toMatch(/^connected: ws\/obfuscated-intermediate ws:\/\/127\.0\.0\.1:\d+\/apiws$/);
  expect(lines).toEqual([lines[0], 'echoed 40 bytes', 'closed by client']);
});
