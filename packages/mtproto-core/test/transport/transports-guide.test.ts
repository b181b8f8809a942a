// TRANSPORTS.md shows src/transport/memory-transport.ts verbatim except for the imports; this keeps
// the guide honest (memory-transport.test.ts runs the code itself).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as entry from '../../src/index.js';

const root = new URL('../../', import.meta.url);
const guide = readFileSync(new URL('TRANSPORTS.md', root), 'utf8');
const source = readFileSync(new URL('src/transport/memory-transport.ts', root), 'utf8');
const indexSource = readFileSync(new URL('src/index.ts', root), 'utf8');

const IMPORT = /^import (type )?\{([^}]*)\} from '([^']+)';\n/gm;

function lastTsBlock(markdown: string): string {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)];
  return blocks[blocks.length - 1][1];
}

function importedNames(code: string): Array<{ name: string; type: boolean; from: string }> {
  return [...code.matchAll(IMPORT)].flatMap(([, typeOnly, names, from]) =>
    names
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean)
      .map((n) => ({ name: n.replace(/^type /, ''), type: Boolean(typeOnly) || n.startsWith('type '), from })),
  );
}

describe('TRANSPORTS.md', () => {
  const example = lastTsBlock(guide);

  it('ends with the in-memory transport, identical to the source apart from imports', () => {
    expect(example.replace(IMPORT, '')).toBe(source.replace(IMPORT, ''));
  });

  it('imports exactly what the source imports, all from the package entry', () => {
    const fromGuide = importedNames(example);
    expect(new Set(fromGuide.map((i) => i.from))).toEqual(new Set(['@x/mtproto-core']));
    const fromSource = importedNames(source);
    expect(fromGuide.map((i) => i.name).sort()).toEqual(fromSource.map((i) => i.name).sort());
    for (const { name, type, from } of fromSource) {
      if (!type) {
        expect(entry).toHaveProperty(name);
      } else {
        // Type-only names: exported by name, or through `export *` of their module.
        const module = from.replace(/^\.\//, './transport/').replace(/^\.\.\//, './');
        const exported = indexSource.includes(name) || indexSource.includes(`* from '${module}'`);
        expect(exported, `${name} is exported from src/index.ts`).toBe(true);
      }
    }
  });
});
