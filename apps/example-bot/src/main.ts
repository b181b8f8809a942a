#!/usr/bin/env node
/**
 * example-bot: the firewall bot. With no TG_* variables it runs the whole story offline against
 * the local test DC; with them, against Telegram. See README.md.
 */
import { loadDcsOverride } from '@x/client';
import { credentialsFromEnv, parseArgs, USAGE, UsageError } from './args.js';
import { runOfflineStory } from './offline.js';
import { Report } from './report.js';
import { runLive } from './telegram.js';

async function main(): Promise<number> {
  let args;
  let credentials;
  try {
    args = parseArgs(process.argv.slice(2));
    credentials = credentialsFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`example-bot: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // Ctrl-C (or SIGTERM) stops the bot cleanly; a second Ctrl-C exits at once.
  const stop = new AbortController();
  const onSignal = (): void => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping…\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const report = new Report();
  let ok: boolean;
  if (credentials) {
    const dcs = args.dcs ? await loadDcsOverride(args.dcs) : undefined;
    ok = await runLive(args, { credentials, ...(dcs ? { dcs } : {}), sessionName: 'example-bot' }, report, stop.signal);
  } else {
    ok = await runOfflineStory(args, report, stop.signal);
  }
  report.summary();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`example-bot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
