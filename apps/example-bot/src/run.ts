/**
 * The bot's command line, as a function: parses flags and environment, picks the offline story or
 * the live run, and returns the exit code (0: every step succeeded, 1: a step failed, 2: usage).
 */
import { loadDcsOverride } from '@x/client';
import { credentialsFromEnv, parseArgs, USAGE, UsageError, type BotArgs, type TelegramCredentials } from './args.js';
import { runOfflineStory } from './offline.js';
import { Report } from './report.js';
import { runLive } from './telegram.js';

export interface RunIo {
  out(line: string): void;
  err(line: string): void;
  /** Aborts when the user asks to stop (Ctrl-C). */
  stop: AbortSignal;
}

export async function run(argv: readonly string[], env: Record<string, string | undefined>, io: RunIo): Promise<number> {
  let args: BotArgs;
  let credentials: TelegramCredentials | undefined;
  try {
    args = parseArgs(argv);
    credentials = credentialsFromEnv(env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`example-bot: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  const report = new Report(io.out);
  let ok: boolean;
  if (credentials) {
    const dcs = args.dcs ? await loadDcsOverride(args.dcs) : undefined;
    ok = await runLive(args, { credentials, ...(dcs ? { dcs } : {}), sessionName: env['TG_SESSION'] || 'example-bot' }, report, io.stop);
  } else {
    ok = await runOfflineStory(args, report, io.stop);
  }
  report.summary();
  return ok ? 0 : 1;
}
