/**
 * The real CLI, compiled and spawned: the first stdout line is the JSON object of the issue, the
 * server answers on every address it prints, the HTTP control endpoint works, SIGTERM stops it.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePublicKeyPem } from './helpers/client-crypto.js';
import { MiniClient } from './helpers/mini-client.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// Compiled inside the package so that node resolves @x/mtproto-core, ws and selfsigned as dist/ would.
const outDir = join(packageDir, 'node_modules', '.cache', 'test-dc-cli');

let child: ChildProcess;
let line: any;
let stderr = '';

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  execFileSync(process.execPath, [join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir, '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], {
    cwd: packageDir,
    stdio: 'inherit',
  });
  child = spawn(process.execPath, [join(outDir, 'cli.js'), '--dcs', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  line = JSON.parse(await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`cli exited with ${code}: ${stderr}`)));
  }));
}, 120_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('test-dc CLI', () => {
  it('prints the JSON line in the documented shape', () => {
    expect(Object.keys(line)).toEqual(['dcs', 'rsaPublicKeyPem', 'tlsCaPem', 'controlUrl']);
    expect(line.dcs).toHaveLength(2);
    for (const [index, dc] of (line.dcs as any[]).entries()) {
      expect(Object.keys(dc)).toEqual(['id', 'host', 'tcpPort', 'wsUrl', 'wssUrl']);
      expect(dc.id).toBe(index + 1);
      expect(dc.host).toBe('127.0.0.1');
      expect(dc.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/apiws$/);
      expect(dc.wssUrl).toMatch(/^wss:\/\/localhost:\d+\/apiws$/);
    }
    expect(readFileSync(line.rsaPublicKeyPem, 'utf8')).toContain('BEGIN RSA PUBLIC KEY');
    expect(readFileSync(line.tlsCaPem, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(line.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves MTProto on the printed addresses (TCP and wss with the printed CA)', async () => {
    const publicKey = parsePublicKeyPem(readFileSync(line.rsaPublicKeyPem, 'utf8'));
    const tcp = await MiniClient.open({ kind: 'tcp', host: line.dcs[0].host, port: line.dcs[0].tcpPort, framing: 'intermediate', obfuscated: true });
    await tcp.createAuthKey({ publicKey, dc: 1 });
    expect((await tcp.invoke({ _: 'help.getNearestDc' }, { layer: true })).thisDc).toBe(1);
    tcp.close();
    const wss = await MiniClient.open({ kind: 'wss', url: line.dcs[1].wssUrl, ca: readFileSync(line.tlsCaPem, 'utf8'), framing: 'abridged', obfuscated: true });
    await wss.createAuthKey({ publicKey, dc: 2 });
    expect((await wss.invoke({ _: 'help.getNearestDc' }, { layer: true })).thisDc).toBe(2);
    wss.close();
  });

  it('answers the HTTP control endpoint', async () => {
    const health = await fetch(`${line.controlUrl}/health`);
    expect(await health.json()).toEqual({ ok: true });
    const sent = await fetch(`${line.controlUrl}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'alice', to: '@bob', text: 'hi bob' }),
    });
    expect(await sent.json()).toMatchObject({ text: 'hi bob', peer: expect.stringMatching(/^user:\d+$/) });
    const bad = await fetch(`${line.controlUrl}/faults`, { method: 'POST', body: JSON.stringify({ faults: { nonsense: 1 } }) });
    expect(bad.status).toBe(400);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
