// Shared setup for the session tests: a session wired to a ScriptedServer, a log recorder and
// small waiting helpers (no timing assertions: they only wait for things to happen).
import { MtprotoSession, type AuthKeyState, type Logger, type SessionOptions } from '../../src/index.js';
import { crypto, ScriptedServer } from './scripted-server.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  data?: object;
}

export function recordingLogger(): { logger: Logger; entries: LogEntry[]; codes(): string[] } {
  const entries: LogEntry[] = [];
  const add = (level: LogEntry['level']) => (message: string, data?: object) => entries.push({ level, message, data });
  return {
    logger: { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') },
    entries,
    codes: () =>
      entries.flatMap((entry) => {
        const data = entry.data as { code?: string; error?: { code?: string } } | undefined;
        const code = data?.code ?? data?.error?.code;
        return code ? [code] : [];
      }),
  };
}

export const initConnection = {
  apiId: 12345,
  deviceModel: 'vitest',
  systemVersion: 'node',
  appVersion: '0.1.0',
  systemLangCode: 'en',
  langPack: '',
  langCode: 'en',
};

export function createSession(
  server: ScriptedServer,
  options: Partial<SessionOptions> & { authKey?: AuthKeyState } = {},
): { session: MtprotoSession; log: ReturnType<typeof recordingLogger> } {
  const log = recordingLogger();
  const session = new MtprotoSession({
    transport: server.transport(),
    target: { dcId: server.dcId, test: false, media: false },
    crypto,
    rsaKeys: [server.rsa.publicKey],
    initConnection,
    logger: log.logger,
    ...options,
  });
  return { session, log };
}

/** Waits until `condition` holds, polling on timers; fails after `timeoutMs` with `what`. */
export async function waitFor(condition: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets queued microtasks and in-memory deliveries run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
