/** Shared helpers for the end-to-end tests against the in-process test DC. */
import { startTestDc, type TestDc } from '@x/test-dc';
import { Client, silentLogger, type ClientOptions, type Message } from '../../src/index.node.js';

export const API_ID = 4;
export const API_HASH = 'e2e-api-hash-0123456789';
/** Bot ids pick their home DC (`dcIds[id % 5]`): this one lives on DC 3, so logging in from DC 2 migrates. */
export const BOT_ID = 123457;
export const BOT_TOKEN = `${BOT_ID}:E2E-secret_token`;
export const BOT_HOME_DC = 3;

export type Kind = 'tcp' | 'websocket';
export const KINDS: Kind[] = ['tcp', 'websocket'];

export function transportFor(kind: Kind): Pick<ClientOptions, 'webSocket' | 'webSocketTls'> {
  return kind === 'websocket' ? { webSocket: true, webSocketTls: true } : { webSocket: false };
}

export async function startDc(): Promise<TestDc> {
  return startTestDc();
}

export function newClient(dc: TestDc, options: ClientOptions = {}): Client {
  return new Client(API_ID, API_HASH, {
    botToken: BOT_TOKEN,
    storage: 'memory',
    dcs: dc.clientConfig(),
    logger: silentLogger,
    ...options,
  });
}

/** Resolves with the next `message` event that passes `predicate`. */
export function nextMessage(client: Client, predicate: (message: Message) => boolean = () => true, timeoutMs = 10_000): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no message within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on('message', (message) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      off();
      resolve(message);
    });
  });
}

/** Collects every `message` event's text. */
export function collectMessages(client: Client): Message[] {
  const out: Message[] = [];
  client.on('message', (message) => void out.push(message));
  return out;
}

export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The highest connection id the test DC has handed out so far (ids only grow). */
export function lastConnectionId(dc: { control: { connections(dcId?: number): { id: number }[] } }): number {
  return Math.max(0, ...dc.control.connections().map((connection) => connection.id));
}

/** Connections to `dcId` opened after `since` (see lastConnectionId). */
export function connectionsSince(dc: { control: { connections(dcId?: number): { id: number }[] } }, dcId: number, since: number): number {
  return dc.control.connections(dcId).filter((connection) => connection.id > since).length;
}
