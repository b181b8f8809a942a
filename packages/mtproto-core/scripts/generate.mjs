#!/usr/bin/env node
// Regenerates src/tl/generated/ from schema/*.tl (after `tsc -p tsconfig.codegen.json`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFromSchemaDir } from '../.codegen/run.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = generateFromSchemaDir(join(root, 'schema'));
const outDir = join(root, 'src', 'tl', 'generated');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'types.ts'), files.types);
writeFileSync(join(outDir, 'codec.ts'), files.codec);
console.log(`generated types.ts (${files.types.length} chars) and codec.ts (${files.codec.length} chars)`);
