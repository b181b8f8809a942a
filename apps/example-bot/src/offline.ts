/**
 * The offline story: the local test DC in-process (or one already running, with --dcs), the bot
 * connecting over wss, logging in, greeting @alice; then @alice, simulated through the test DC's
 * control API, writes /start and a text, and the bot answers both. Every step is printed with the
 * transport in use, the DC and round-trip times.
 */
import { Client, loadDcsOverride, type DcsOverride, type Message } from '@x/client';
import { startHttpControl, startTestDc, type HttpControl, type TestDc } from '@x/test-dc';
import type { BotArgs } from './args.js';
import { GREETING, installBot, startReply } from './bot.js';
import { loggingOptions, transportLabel, transportOptions } from './client-options.js';
import { RemoteControl, type StoryControl } from './control.js';
import { formatMs, Report } from './report.js';

/** Any `DIGITS:SECRET` token is a bot on the test DC; this one's home DC is not the default one. */
export const OFFLINE_BOT_TOKEN = '700002:example-bot-offline';
const OFFLINE_API_ID = 1;
const OFFLINE_API_HASH = 'example-bot-offline';
const ECHO_TEXT = 'ping over WebSocket';

export async function runOfflineStory(args: BotArgs, report: Report, stopSignal: AbortSignal): Promise<boolean> {
  report.title(
    args.dcs ? `example-bot: the story against the DCs from ${args.dcs === '-' ? 'stdin' : args.dcs}` : 'example-bot: offline story against the local test DC (no network needed)',
  );
  let testDc: TestDc | undefined;
  let httpControl: HttpControl | undefined;
  const setup = await report.step<{ dcs: DcsOverride; control: StoryControl | undefined }>(args.dcs ? 'read DC table' : 'start test DC', async () => {
    if (args.dcs) {
      const dcs = await loadDcsOverride(args.dcs);
      const control = dcs.controlUrl ? new RemoteControl(dcs.controlUrl) : undefined;
      return { value: { dcs, control }, detail: `${dcs.dcs.length} DCs${control ? `, control ${dcs.controlUrl}` : ', no control URL: the simulated user is skipped'}` };
    }
    testDc = await startTestDc();
    const dcs: DcsOverride = testDc.clientConfig();
    const host = testDc.dcs[0]?.host ?? '127.0.0.1';
    return { value: { dcs, control: testDc.control as StoryControl }, detail: `${testDc.dcs.length} DCs on ${host} (TCP, ws, wss)` };
  });
  if (!setup) return false;

  const client = new Client(OFFLINE_API_ID, OFFLINE_API_HASH, {
    botToken: OFFLINE_BOT_TOKEN,
    storage: 'memory',
    dcs: setup.dcs,
    ...transportOptions(args),
    ...loggingOptions(args),
  });
  const botId = OFFLINE_BOT_TOKEN.slice(0, OFFLINE_BOT_TOKEN.indexOf(':'));
  // The bot's own view of each answer (its send confirmed), by answer text.
  const answerWaiters: Array<{ text: string; resolve: (reply: Message) => void }> = [];
  installBot(
    client,
    (_incoming, reply) => {
      const index = answerWaiters.findIndex((waiter) => waiter.text === reply.text);
      if (index >= 0) answerWaiters.splice(index, 1)[0]!.resolve(reply);
    },
    (error) => report.line(`could not answer: ${(error as Error).message}`),
  );
  const botAnswer = (text: string): Promise<Message> => new Promise((resolve) => answerWaiters.push({ text, resolve }));

  try {
    const connected = await report.step('connect + log in', async () => {
      const defaultDc = 2;
      await client.connect();
      const info = client.connectionInfo()!;
      const moved = info.dcId !== defaultDc ? ` (login moved there from DC ${defaultDc} by USER_MIGRATE_${info.dcId})` : '';
      const rtt = await client.ping();
      return {
        value: true,
        detail: `${transportLabel(info.transport, info.address)}, DC ${info.dcId}${moved}, ${info.authKey === 'created' ? 'new' : 'saved'} auth key, as @${client.me?.username ?? botId}, ping ${formatMs(rtt)}`,
      };
    });
    if (!connected) return false;

    await report.step('send greeting', async () => {
      const started = performance.now();
      const sent = await client.sendMessage('@alice', GREETING);
      return { value: sent, detail: `"${GREETING}" -> @alice as message #${sent.id}, round trip ${formatMs(performance.now() - started)}` };
    });

    const control = setup.control;
    if (control) {
      const conversation = async (text: string, expected: string) => {
        const started = performance.now();
        // Done when the server has the answer (what @alice sees) and the bot has its confirmation.
        const seen = control.waitForBotMessage(botId, { predicate: (m) => m.text === expected, timeoutMs: 10_000 });
        const confirmed = botAnswer(expected);
        await control.sendAsUser({ from: 'alice', to: Number(botId), text });
        await seen;
        const rtt = performance.now() - started;
        await confirmed;
        return { rtt };
      };
      await report.step('/start from @alice', async () => {
        const expected = startReply('Alice');
        const { rtt } = await conversation('/start', expected);
        return { value: true, detail: `answered "${expected.slice(0, 40)}…" ${formatMs(rtt)} after @alice wrote` };
      });
      await report.step('echo', async () => {
        const { rtt } = await conversation(ECHO_TEXT, ECHO_TEXT);
        return { value: true, detail: `"${ECHO_TEXT}" echoed back in ${formatMs(rtt)}` };
      });
    }

    if (!args.once && !stopSignal.aborted) {
      const info = client.connectionInfo();
      report.line(`the bot is running over ${transportLabel(info?.transport, info?.address)}; press Ctrl-C to stop`);
      if (testDc) {
        httpControl = await startHttpControl(testDc);
        report.line('write to it as @alice from another terminal (it answers /start and echoes everything else):');
        report.line(`  curl -s -d '{"from":"alice","to":${botId},"text":"hi"}' ${httpControl.url}/messages`);
      }
      client.on('connection', (event) => {
        if (event.home) report.line(`connection ${event.state} (${transportLabel(event.transport, event.address)}, DC ${event.dcId})`);
      });
      client.on('message', (message) => report.line(`@${message.sender?.username ?? message.senderId} wrote: ${message.text}`));
      const idle = client.idle();
      stopSignal.addEventListener('abort', () => void client.stop(), { once: true });
      await idle;
    }
  } finally {
    await report.step('stop', async () => {
      await client.stop();
      await httpControl?.close();
      await testDc?.close();
      return { value: true, detail: `acks flushed, transports closed, session saved${testDc ? ', test DC closed' : ''}` };
    });
  }
  return report.ok;
}
