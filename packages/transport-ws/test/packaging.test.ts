// The platform entry stays browser-safe; package.json points each runtime at the right entry.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const src = new URL('../src/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Every file the entry imports, transitively (relative imports), with its bare imports. */
function graph(entry: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  const visit = (name: string) => {
    if (files.has(name)) return;
    const text = readFileSync(new URL(name, src), 'utf8');
    const bare: string[] = [];
    files.set(name, bare);
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (specifier.startsWith('./')) visit(specifier.slice(2).replace(/\.js$/, '.ts'));
      else bare.push(specifier);
    }
  };
  visit(entry);
  return files;
}

it('the platform entry imports no Node built-in, no ws and no proxy library, and uses no Buffer', () => {
  const files = graph('index.ts');
  expect([...files.keys()].sort()).toEqual(
    ['carrier.ts', 'close-reason.ts', 'factory.ts', 'index.ts', 'options.ts', 'packet-codec.ts', 'platform-carrier.ts', 'target-url.ts', 'ws-transport.ts'].sort(),
  );
  for (const [name, bare] of files) {
    expect(bare.every((specifier) => specifier === '@x/mtproto-core'), `${name}: ${bare.join(', ')}`).toBe(true);
    const text = readFileSync(new URL(name, src), 'utf8');
    expect(text, name).not.toMatch(/\bBuffer\b|\bprocess\.|NodeJS\./);
  }
});

it('the Node entry uses ws, and the proxy libraries', () => {
  const bare = new Set([...graph('index.node.ts').values()].flat());
  expect(bare).toEqual(new Set(['@x/mtproto-core', 'ws', 'https-proxy-agent', 'proxy-from-env', 'node:http', 'node:tls']));
});

it('conditional exports: browser, deno and bun before node; default is the platform entry', () => {
  const conditions = manifest.exports['.'];
  expect(Object.keys(conditions)).toEqual(['browser', 'deno', 'bun', 'node', 'types', 'default']);
  for (const name of ['browser', 'deno', 'bun']) expect(conditions[name].default).toBe('./dist/index.js');
  expect(conditions.node.default).toBe('./dist/index.node.js');
  expect(conditions.default).toBe('./dist/index.js');
});
