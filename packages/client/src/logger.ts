/**
 * Logging for the client. Whatever logger the user passes is wrapped so that secrets (the bot token,
 * the api hash, auth keys, exported authorizations) can never reach it, whichever code path logs.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The logger shape shared with the session engine. */
export interface Logger {
  debug(message: string, data?: object): void;
  info(message: string, data?: object): void;
  warn(message: string, data?: object): void;
  error(message: string, data?: object): void;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Keys whose values are secret whatever they hold. */
const SECRET_KEY = /token|hash|authkey|auth_key|secret|password|bytes|salt|key$/i;
/** Keys that match SECRET_KEY but are harmless and useful (ids, counters). */
const PUBLIC_KEY = /^(authKeyId|accessHashKnown|dcId|keyId)$/;
const REDACTED = '[redacted]';

/** Writes to the console, one line per entry, filtered by level. */
export function createConsoleLogger(level: LogLevel = 'info', prefix = '[x-mtproto]'): Logger {
  const rank = LEVEL_RANK[level];
  const write = (entryLevel: Exclude<LogLevel, 'silent'>, message: string, data?: object): void => {
    if (LEVEL_RANK[entryLevel] < rank) return;
    const line = data === undefined ? `${prefix} ${entryLevel} ${message}` : `${prefix} ${entryLevel} ${message} ${safeJson(data)}`;
    // console.error keeps stdout free for program output (the sample bot prints its story there).
    console.error(line);
  };
  return {
    debug: (m, d) => write('debug', m, d),
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Wraps `inner` so that every message and data object is scrubbed: values under secret-looking keys
 * are replaced, byte arrays are reduced to their length, and any registered secret string is cut out
 * of free text. `minLevel` filters before scrubbing, so debug noise costs nothing when off.
 */
export class RedactingLogger implements Logger {
  private readonly secrets = new Set<string>();
  private readonly rank: number;

  constructor(
    private readonly inner: Logger,
    minLevel: LogLevel = 'debug',
  ) {
    this.rank = LEVEL_RANK[minLevel];
  }

  /** Registers a secret string (bot token, api hash) to be cut from every log line. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  debug(message: string, data?: object): void {
    if (LEVEL_RANK.debug >= this.rank) this.inner.debug(this.scrubText(message), this.scrubData(data));
  }
  info(message: string, data?: object): void {
    if (LEVEL_RANK.info >= this.rank) this.inner.info(this.scrubText(message), this.scrubData(data));
  }
  warn(message: string, data?: object): void {
    if (LEVEL_RANK.warn >= this.rank) this.inner.warn(this.scrubText(message), this.scrubData(data));
  }
  error(message: string, data?: object): void {
    if (LEVEL_RANK.error >= this.rank) this.inner.error(this.scrubText(message), this.scrubData(data));
  }

  scrubText(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  scrubData(data: object | undefined): object | undefined {
    if (data === undefined) return undefined;
    return this.scrubValue(data, 0) as object;
  }

  private scrubValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrubText(value);
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Uint8Array) return `<${value.length} bytes>`;
    if (value instanceof Error) {
      return { name: value.name, message: this.scrubText(value.message), code: (value as { code?: unknown }).code };
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth > 6) return '[…]';
    if (Array.isArray(value)) return value.slice(0, 50).map((item) => this.scrubValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && !PUBLIC_KEY.test(key) ? REDACTED : this.scrubValue(item, depth + 1);
    }
    return out;
  }
}

function safeJson(data: object): string {
  try {
    return JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return '[unserialisable]';
  }
}
