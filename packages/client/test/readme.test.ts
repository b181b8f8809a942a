// The README's runnable example (the one against the local test DC) is run as written, with
// `@x/client` pointed at this package's source.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it, vi } from 'vitest';

it('the README example against the local test DC runs', async () => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const example = blocks.find((block) => block.includes('startTestDc'));
  expect(example).toBeDefined();
  const entry = pathToFileURL(fileURLToPath(new URL('../src/index.node.ts', import.meta.url))).href;
  const source = `${example!.replaceAll("from '@x/client'", `from '${entry}'`)}\nexport {};\n`;
  const file = fileURLToPath(new URL('./.readme-example.tmp.ts', import.meta.url));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await writeFile(file, source);
  try {
    await import(pathToFileURL(file).href);
    expect(log).toHaveBeenCalledWith(expect.objectContaining({ transport: 'websocket', address: expect.stringMatching(/^wss:\/\/localhost:/) }));
  } finally {
    log.mockRestore();
    await rm(file, { force: true });
  }
});
