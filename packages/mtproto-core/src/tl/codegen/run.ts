/** Reads schema/*.tl and returns the generated files (used by the CLI and by the drift test). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, type GeneratedFiles } from './generator.js';
import { parseSchema, type TlEntry } from './parser.js';

export function loadSchema(schemaDir: string): { entries: TlEntry[]; layer: number } {
  const api = readFileSync(join(schemaDir, 'api.tl'), 'utf8');
  const mtproto = readFileSync(join(schemaDir, 'mtproto.tl'), 'utf8');
  const layerMatch = /^\/\/ LAYER (\d+)$/m.exec(api);
  if (!layerMatch) throw new Error('api.tl has no // LAYER line');
  return { entries: [...parseSchema(mtproto, 'mtproto'), ...parseSchema(api, 'api')], layer: Number(layerMatch[1]) };
}

export function generateFromSchemaDir(schemaDir: string): GeneratedFiles {
  const { entries, layer } = loadSchema(schemaDir);
  return generate(entries, layer);
}
