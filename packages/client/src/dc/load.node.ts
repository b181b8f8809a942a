/**
 * Reads a DC override (the JSON line `pnpm test-dc` prints) from a file, or from stdin with `-`,
 * and inlines the PEM files it names, so the result can be handed to `new Client(..., { dcs })`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isPemText, parseDcsOverride, type DcsOverride } from './override.js';

export async function loadDcsOverride(source: string): Promise<DcsOverride> {
  const text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  // The server prints one JSON object on its first line; tolerate what follows (logs).
  const line = text.split('\n').find((entry) => entry.trim().startsWith('{'));
  if (!line) throw new TypeError(`${source === '-' ? 'stdin' : source}: no JSON object found`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (cause) {
    throw new TypeError(`${source === '-' ? 'stdin' : source}: not valid JSON (${(cause as Error).message})`);
  }
  const override = parseDcsOverride(parsed, source === '-' ? 'stdin' : source);
  const base = source === '-' ? process.cwd() : dirname(resolve(source));
  if (override.rsaPublicKeyPem && !isPemText(override.rsaPublicKeyPem)) {
    override.rsaPublicKeyPem = await readFile(resolve(base, override.rsaPublicKeyPem), 'utf8');
  }
  if (override.tlsCaPem && !isPemText(override.tlsCaPem)) {
    override.tlsCaPem = await readFile(resolve(base, override.tlsCaPem), 'utf8');
  }
  return override;
}

/** Reads stdin up to the first JSON line only: the server that prints it keeps running. */
async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    if (lines.slice(0, -1).some((line) => line.trim().startsWith('{'))) break;
  }
  process.stdin.pause();
  return text;
}
