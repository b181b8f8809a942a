import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestDc } from '@x/test-dc';
import type { Client } from '../../src/index.node.js';
import { BOT_HOME_DC, BOT_ID, KINDS, collectMessages, newClient, startDc, transportFor, until } from './helpers.js';

describe.each(KINDS)('reconnection over %s', (kind) => {
  let dc: TestDc;
  let client: Client;
  beforeAll(async () => {
    dc = await startDc();
  });
  afterAll(async () => {
    await dc.close();
  });
  beforeEach(async () => {
    client = newClient(dc, transportFor(kind));
    await client.connect();
  });
  afterEach(async () => {
    await client.stop();
    dc.control.clearFaults();
  });

  /** The bot's live connection on its home DC. */
  const botConnection = () => {
    // The newest one: a previous test's client may still be closing its own.
    const ids = dc.control.connections(BOT_HOME_DC).filter((entry) => entry.userId === BOT_ID).map((entry) => entry.id);
    if (ids.length === 0) throw new Error('the bot has no connection on its home DC');
    return Math.max(...ids);
  };
  const sentTexts = (text: string) => dc.control.botMessages(BOT_ID, { peer: '@alice' }).filter((message) => message.text === text);

  it('a call whose answer is lost in a drop resolves once after the reconnect, and the message exists once', async () => {
    const text = `answer lost (${kind})`;
    await client.chatRef('@alice'); // resolved now: the stall below holds every answer
    const connectionId = botConnection();
    dc.control.setFaults({ stallMs: 60_000 }, { connectionId });
    const stored = dc.control.waitForBotMessage(BOT_ID, { predicate: (message) => message.text === text });
    const sending = client.sendMessage('@alice', text);
    await stored; // the server has it, its answer is held
    expect(dc.control.dropConnections({ connectionId })).toBe(1);
    const message = await sending;
    expect(message.text).toBe(text);
    expect(sentTexts(text)).toHaveLength(1);
    expect(botConnection()).not.toBe(connectionId);
  });

  it('a call whose request is lost in a drop is sent again after the reconnect, once', async () => {
    const text = `request lost (${kind})`;
    const connectionId = botConnection();
    dc.control.setFaults({ dropAfterPackets: 0 }, { connectionId });
    const message = await client.sendMessage('@alice', text);
    expect(message.text).toBe(text);
    expect(sentTexts(text)).toHaveLength(1);
  });

  it('messages written while the connection was down arrive after the reconnect, in order, once', async () => {
    const received = collectMessages(client);
    const states: string[] = [];
    client.on('connection', (event) => void (event.home && states.push(event.state)));
    dc.control.dropConnections({ connectionId: botConnection() });
    await until(() => states.includes('reconnecting'), 5000, 'reconnecting');
    for (const text of ['while down 1', 'while down 2', 'while down 3']) dc.control.sendAsUser({ from: 'alice', to: BOT_ID, text });
    await until(() => received.length >= 3, 10_000, 'three messages');
    dc.control.sendAsUser({ from: 'bob', to: BOT_ID, text: 'after reconnect' });
    await until(() => received.length >= 4, 10_000, 'the fourth message');
    await client.invoke({ _: 'updates.getState' }); // one more round trip: anything late would be here by now
    expect(received.map((message) => message.text)).toEqual(['while down 1', 'while down 2', 'while down 3', 'after reconnect']);
    expect(states).toContain('connected');
  });
});
