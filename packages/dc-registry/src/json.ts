/**
 * The registry's saved form (inside the client's session file): learned addresses, the
 * force_try_ipv6 preference and the home DC, per environment. Built-in tables are not saved (a
 * newer package version brings newer ones) and neither is an override (it is configuration).
 */
import { checkDcOption, type LearnedAddress } from './dc-option.js';
import { DcRegistryError } from './errors.js';
import { hex } from './tcp.js';

export interface EnvironmentState {
  /** undefined until a config or update was applied. */
  learned: LearnedAddress[] | undefined;
  preferIpv6: boolean;
  homeDcId: number | undefined;
}

export interface DcOptionJson {
  id: number;
  ip: string;
  port: number;
  /** Only the flags that are set: `ipv6`, `media`, `tcpoOnly`, `cdn`, `static`, `thisPortOnly`. */
  flags?: string[];
  /** Hex. */
  secret?: string;
}

export interface EnvironmentJson {
  homeDcId?: number;
  preferIpv6?: boolean;
  dcOptions?: DcOptionJson[];
}

export interface DcRegistryJson {
  version: 1;
  production: EnvironmentJson;
  test: EnvironmentJson;
}

const FLAGS = ['ipv6', 'media', 'tcpoOnly', 'cdn', 'static', 'thisPortOnly'] as const;

export function writeRegistryJson(state: Record<'production' | 'test', EnvironmentState>): DcRegistryJson {
  return { version: 1, production: writeEnvironment(state.production), test: writeEnvironment(state.test) };
}

function writeEnvironment(state: EnvironmentState): EnvironmentJson {
  const out: EnvironmentJson = {};
  if (state.homeDcId !== undefined) out.homeDcId = state.homeDcId;
  if (state.preferIpv6) out.preferIpv6 = true;
  if (state.learned !== undefined) {
    out.dcOptions = state.learned.map((address) => {
      const flags = FLAGS.filter((flag) => address[flag]);
      const option: DcOptionJson = { id: address.dcId, ip: address.ip, port: address.port };
      if (flags.length > 0) option.flags = [...flags];
      if (address.secret !== undefined) option.secret = hex(address.secret);
      return option;
    });
  }
  return out;
}

export function readRegistryJson(input: string | DcRegistryJson): Record<'production' | 'test', EnvironmentState> {
  let value: unknown = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw bad(`not valid JSON: ${(cause as Error).message}`, cause);
    }
  }
  if (value === null || typeof value !== 'object') throw bad('expected an object');
  const json = value as Partial<DcRegistryJson>;
  if (json.version !== 1) throw bad(`unsupported version ${String(json.version)} (this package reads version 1)`);
  return { production: readEnvironment(json.production, 'production'), test: readEnvironment(json.test, 'test') };
}

function readEnvironment(value: unknown, where: string): EnvironmentState {
  if (value === undefined) return { learned: undefined, preferIpv6: false, homeDcId: undefined };
  if (value === null || typeof value !== 'object') throw bad(`${where} is not an object`);
  const env = value as EnvironmentJson;
  if (env.homeDcId !== undefined && (!Number.isInteger(env.homeDcId) || env.homeDcId <= 0)) {
    throw bad(`${where}.homeDcId ${String(env.homeDcId)} is not a DC id`);
  }
  if (env.preferIpv6 !== undefined && typeof env.preferIpv6 !== 'boolean') throw bad(`${where}.preferIpv6 is not a boolean`);
  if (env.dcOptions !== undefined && !Array.isArray(env.dcOptions)) throw bad(`${where}.dcOptions is not an array`);
  let learned: LearnedAddress[] | undefined;
  try {
    learned = env.dcOptions?.map((option, index) => {
      const flags = new Set(Array.isArray(option?.flags) ? option.flags : []);
      return checkDcOption(
        {
          id: option?.id,
          ipAddress: option?.ip,
          port: option?.port,
          ipv6: flags.has('ipv6'),
          mediaOnly: flags.has('media'),
          tcpoOnly: flags.has('tcpoOnly'),
          cdn: flags.has('cdn'),
          static: flags.has('static'),
          thisPortOnly: flags.has('thisPortOnly'),
          secret: option?.secret === undefined ? undefined : unhex(option.secret, `${where}.dcOptions[${index}].secret`),
        },
        index,
      );
    });
  } catch (cause) {
    if (cause instanceof DcRegistryError && cause.code === 'DC_BAD_JSON') throw cause;
    throw bad(`${where}: ${(cause as Error).message}`, cause);
  }
  return { learned, preferIpv6: env.preferIpv6 === true, homeDcId: env.homeDcId };
}

function unhex(text: unknown, where: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(text)) throw bad(`${where} is not hex`);
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bad(message: string, cause?: unknown): DcRegistryError {
  return new DcRegistryError('DC_BAD_JSON', `saved DC registry: ${message}`, { cause });
}
