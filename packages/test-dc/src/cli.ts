#!/usr/bin/env node
/**
 * `test-dc` / `pnpm test-dc`: starts the local DCs, writes the RSA public key and TLS CA to PEM
 * files, prints ONE JSON line on stdout and serves until SIGINT/SIGTERM. Logs go to stderr.
 *
 *   --port-base N    fixed ports (DC k: tcp N+3k, ws N+3k+1, wss N+3k+2; control N+3·count)
 *   --host H         listen address (default 127.0.0.1)
 *   --dcs N          number of DCs (default 5)
 *   --out-dir DIR    where to write server.pem / ca.pem (default: a new temp directory)
 *   --rsa-key FILE   RSA private key PEM to use (created there if missing)
 *   --tls-cert FILE --tls-key FILE   certificate for wss:// (default: self-signed)
 *   --no-wss         no wss:// endpoints
 *   --no-strict      do not report protocol violations
 *   --quiet          no logs on stderr
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHttpControl } from './control/http-control.js';
import { startTestDc } from './test-dc.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string' },
      host: { type: 'string' },
      dcs: { type: 'string' },
      'out-dir': { type: 'string' },
      'rsa-key': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'no-wss': { type: 'boolean' },
      'no-strict': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write('usage: test-dc [--port-base N] [--host H] [--dcs N] [--out-dir DIR] [--rsa-key FILE] [--tls-cert FILE --tls-key FILE] [--no-wss] [--no-strict] [--quiet]\n');
    return;
  }
  // Signals are handled from the start: a stop during start-up closes what was started, exit 0.
  let stop: ((signal: string) => void) | undefined;
  let stopRequested: string | undefined;
  const onSignal = (signal: string) => (stop ? stop(signal) : (stopRequested ??= signal));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));

  const portBase = values['port-base'] !== undefined ? parsePort(values['port-base']) : undefined;
  const count = values.dcs !== undefined ? Number(values.dcs) : 5;
  if (!Number.isInteger(count) || count < 1 || count > 20) throw new Error('--dcs must be 1..20');
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`[test-dc] ${line}\n`);

  let rsaPrivateKeyPem: string | undefined;
  const rsaKeyPath = values['rsa-key'] !== undefined ? resolve(values['rsa-key']) : undefined;
  if (rsaKeyPath !== undefined && existsSync(rsaKeyPath)) rsaPrivateKeyPem = await readFile(rsaKeyPath, 'utf8');
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together');
  const tls =
    values['tls-cert'] !== undefined && values['tls-key'] !== undefined
      ? { cert: await readFile(values['tls-cert'], 'utf8'), key: await readFile(values['tls-key'], 'utf8') }
      : undefined;

  const dc = await startTestDc({
    dcIds: Array.from({ length: count }, (_, index) => index + 1),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(portBase !== undefined ? { portBase } : {}),
    wss: !values['no-wss'],
    ...(tls ? { tls } : {}),
    ...(rsaPrivateKeyPem !== undefined ? { rsaPrivateKeyPem } : {}),
    strict: !values['no-strict'],
    ...(log ? { log } : {}),
  });
  if (rsaKeyPath !== undefined && rsaPrivateKeyPem === undefined) await writeFile(rsaKeyPath, dc.rsaPrivateKeyPem, { mode: 0o600 });
  const control = await startHttpControl(dc, { host: '127.0.0.1', ...(portBase !== undefined ? { port: portBase + 3 * count } : {}) });

  const outDir = values['out-dir'] !== undefined ? resolve(values['out-dir']) : await mkdtemp(join(tmpdir(), 'test-dc-'));
  await mkdir(outDir, { recursive: true });
  const rsaPath = join(outDir, 'server.pem');
  await writeFile(rsaPath, dc.rsaPublicKeyPem);
  let caPath: string | undefined;
  if (dc.tlsCaPem !== undefined) {
    caPath = join(outDir, 'ca.pem');
    await writeFile(caPath, dc.tlsCaPem);
  }
  const line = {
    dcs: dc.dcs.map((endpoint) => ({
      id: endpoint.id,
      host: endpoint.host,
      tcpPort: endpoint.tcpPort,
      wsUrl: endpoint.wsUrl,
      ...(endpoint.wssUrl !== undefined ? { wssUrl: endpoint.wssUrl } : {}),
    })),
    rsaPublicKeyPem: rsaPath,
    ...(caPath !== undefined ? { tlsCaPem: caPath } : {}),
    controlUrl: control.url,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  if (!values['no-strict']) {
    dc.control.onViolation((violation) =>
      process.stderr.write(`[test-dc] VIOLATION dc ${violation.dcId} conn ${violation.connectionId}: ${violation.kind}: ${violation.detail}\n`),
    );
  }

  let stopping = false;
  stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log?.(`${signal}: closing`);
    void Promise.all([control.close(), dc.close()]).then(() => process.exit(0));
  };
  if (stopRequested !== undefined) stop(stopRequested);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65000) throw new Error('--port-base must be a port number');
  return port;
}

main().catch((error: unknown) => {
  process.stderr.write(`test-dc: ${(error as Error).message}\n`);
  process.exit(1);
});
