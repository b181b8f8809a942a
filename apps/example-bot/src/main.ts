#!/usr/bin/env node
/**
 * example-bot: the firewall bot. With no TG_* variables it runs the whole story offline against
 * the local test DC; with them, against Telegram. See README.md.
 */
import { run } from './run.js';

// Ctrl-C (or SIGTERM) stops the bot cleanly; a second Ctrl-C exits at once.
const stop = new AbortController();
const onSignal = (): void => {
  if (stop.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping…\n');
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

run(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stop: stop.signal,
}).then(
  (code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`example-bot: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
