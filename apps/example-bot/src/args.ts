/** Command-line flags of the example bot. */

export interface BotArgs {
  transport: 'tcp' | 'ws' | 'auto';
  insecureWs: boolean;
  /** A file with the DC JSON line, or `-` for stdin. */
  dcs: string | undefined;
  once: boolean;
  verbose: boolean;
  help: boolean;
}

export const USAGE = `Usage: example-bot [--transport tcp|ws|auto] [--insecure-ws] [--dcs FILE|-] [--once] [--verbose]

  --transport tcp|ws|auto  how to reach the DCs (default ws: WebSocket, the firewall-friendly way)
  --insecure-ws            ws:// instead of wss://
  --dcs FILE|-             use the DCs described by this JSON line (what \`pnpm test-dc\` prints), - for stdin
  --once                   run the story once, stop cleanly, exit 0 only if every step succeeded
  --verbose                log the client's debug output (secrets are never logged)

With no TG_* variables it starts the local test DC in-process and runs the whole story offline.
With TG_API_ID, TG_API_HASH and TG_BOT_TOKEN (and optionally TG_CHAT) it runs against Telegram.`;

export function parseArgs(argv: readonly string[]): BotArgs {
  const args: BotArgs = { transport: 'ws', insecureWs: false, dcs: undefined, once: false, verbose: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) throw new UsageError(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case '--':
        break; // pnpm passes the separator through
      case '--transport': {
        const v = value();
        if (v !== 'tcp' && v !== 'ws' && v !== 'auto') throw new UsageError(`--transport must be tcp, ws or auto, not ${v}`);
        args.transport = v;
        break;
      }
      case '--insecure-ws':
        args.insecureWs = true;
        break;
      case '--dcs':
        args.dcs = value();
        break;
      case '--once':
        args.once = true;
        break;
      case '--verbose':
      case '-v':
        args.verbose = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return args;
}

export class UsageError extends Error {}

/** Credentials for real Telegram, from the environment; undefined when not all are set. */
export interface TelegramCredentials {
  apiId: number;
  apiHash: string;
  botToken: string;
  chat: string | undefined;
}

export function credentialsFromEnv(env: Record<string, string | undefined>): TelegramCredentials | undefined {
  const { TG_API_ID, TG_API_HASH, TG_BOT_TOKEN, TG_CHAT } = env;
  if (!TG_API_ID && !TG_API_HASH && !TG_BOT_TOKEN) return undefined;
  if (!TG_API_ID || !TG_API_HASH || !TG_BOT_TOKEN) {
    throw new UsageError('set all of TG_API_ID, TG_API_HASH and TG_BOT_TOKEN (or none, for the offline story)');
  }
  const apiId = Number(TG_API_ID);
  if (!Number.isInteger(apiId) || apiId <= 0) throw new UsageError('TG_API_ID must be a number');
  return { apiId, apiHash: TG_API_HASH, botToken: TG_BOT_TOKEN, chat: TG_CHAT || undefined };
}
