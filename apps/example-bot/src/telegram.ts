/**
 * Against real Telegram (TG_API_ID, TG_API_HASH, TG_BOT_TOKEN, optional TG_CHAT), or against any
 * server given with --dcs: connect, log in, greet, then answer until Ctrl-C (or stop with --once).
 */
import { Client, type DcsOverride } from '@x/client';
import type { BotArgs, TelegramCredentials } from './args.js';
import { GREETING, installBot } from './bot.js';
import { loggingOptions, transportLabel, transportOptions } from './client-options.js';
import { formatMs, Report } from './report.js';

export interface LiveRun {
  credentials: TelegramCredentials;
  dcs?: DcsOverride;
  /** Where the session is kept between runs. */
  sessionName: string;
}

export async function runLive(args: BotArgs, run: LiveRun, report: Report, stopSignal: AbortSignal): Promise<boolean> {
  const { credentials } = run;
  const client = new Client(credentials.apiId, credentials.apiHash, {
    botToken: credentials.botToken,
    sessionName: run.sessionName,
    ...(run.dcs ? { dcs: run.dcs } : {}),
    ...transportOptions(args),
    ...loggingOptions(args),
  });
  report.title(`example-bot: ${run.dcs ? 'the DCs from --dcs' : 'Telegram'} over ${args.transport === 'ws' ? (args.insecureWs ? 'ws://' : 'wss://') : args.transport}`);
  const connected = await report.step('connect + log in', async () => {
    await client.connect();
    const info = client.connectionInfo()!;
    const me = client.me;
    const rtt = await client.ping();
    return {
      value: true,
      detail: `${transportLabel(info.transport, info.address)}, DC ${info.dcId}, auth key ${info.authKey}, as @${me?.username ?? me?.id}, ping ${formatMs(rtt)}`,
    };
  });
  if (!connected) {
    await client.stop();
    return false;
  }
  if (credentials.chat) {
    await report.step('send greeting', async () => {
      const started = performance.now();
      const sent = await client.sendMessage(credentials.chat!, GREETING);
      return { value: sent, detail: `"${GREETING}" -> ${credentials.chat} as message #${sent.id}, round trip ${formatMs(performance.now() - started)}` };
    });
  }
  if (!args.once) {
    installBot(
      client,
      (incoming, reply) => report.line(`answered message #${incoming.id} from ${incoming.senderId} with #${reply.id}`),
      (error) => report.line(`could not answer: ${(error as Error).message}`),
    );
    client.on('connection', (event) => {
      if (event.home) report.line(`connection ${event.state} (${transportLabel(event.transport, event.address)}, DC ${event.dcId})`);
    });
    report.line('running: /start and echo; press Ctrl-C to stop');
    stopSignal.addEventListener('abort', () => void client.stop(), { once: true });
    await client.idle();
  }
  await report.step('stop', async () => {
    await client.stop();
    return { value: true, detail: 'acks flushed, transports closed, session saved' };
  });
  return report.ok;
}
