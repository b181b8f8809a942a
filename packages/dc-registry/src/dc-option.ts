/**
 * `dcOption` objects from help.getConfig / updateDcOptions (protocol notes §5.4), checked once on
 * the way in so the rest of the registry works with clean values.
 *
 *   dcOption#18b7a10d flags:# ipv6:flags.0?true media_only:flags.1?true tcpo_only:flags.2?true
 *     cdn:flags.3?true static:flags.4?true this_port_only:flags.5?true id:int ip_address:string
 *     port:int secret:flags.10?bytes = DcOption;
 */
import { DcRegistryError } from './errors.js';

/** The TL object as @x/mtproto-core decodes it (plain object, camelCase fields). */
export interface DcOptionLike {
  _?: 'dcOption';
  ipv6?: boolean;
  mediaOnly?: boolean;
  tcpoOnly?: boolean;
  cdn?: boolean;
  static?: boolean;
  thisPortOnly?: boolean;
  id: number;
  ipAddress: string;
  port: number;
  secret?: Uint8Array;
}

/** A checked dc option, as stored (and serialised) by the registry. */
export interface LearnedAddress {
  dcId: number;
  ip: string;
  port: number;
  ipv6: boolean;
  media: boolean;
  tcpoOnly: boolean;
  cdn: boolean;
  static: boolean;
  thisPortOnly: boolean;
  secret?: Uint8Array;
}

export function checkDcOption(option: DcOptionLike, index: number): LearnedAddress {
  const where = `dc_options[${index}]`;
  if (option === null || typeof option !== 'object') throw bad(`${where} is not an object`);
  if (option._ !== undefined && option._ !== 'dcOption') throw bad(`${where} is a ${String(option._)}, not a dcOption`);
  const { id, ipAddress, port, secret } = option;
  if (!Number.isInteger(id) || id <= 0 || id > 0x7fff) throw bad(`${where}: DC id ${String(id)} is not a positive int16`);
  if (typeof ipAddress !== 'string' || ipAddress.length === 0) throw bad(`${where}: ip_address is empty`);
  if (!isValidPort(port)) throw bad(`${where}: port ${String(port)} is not 1..65535`);
  if (secret !== undefined && !(secret instanceof Uint8Array)) throw bad(`${where}: secret is not bytes`);
  const ipv6 = option.ipv6 === true;
  // The flag is the authority; a mismatch means a corrupt or hostile config.
  if (ipv6 !== ipAddress.includes(':')) {
    throw bad(`${where}: ip_address ${ipAddress} does not match the ipv6 flag (${ipv6})`);
  }
  return {
    dcId: id,
    ip: ipAddress,
    port,
    ipv6,
    media: option.mediaOnly === true,
    tcpoOnly: option.tcpoOnly === true,
    cdn: option.cdn === true,
    static: option.static === true,
    thisPortOnly: option.thisPortOnly === true,
    ...(secret !== undefined && secret.length > 0 ? { secret: secret.slice() } : {}),
  };
}

export function isValidPort(port: unknown): port is number {
  return Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
}

function bad(message: string): DcRegistryError {
  return new DcRegistryError('DC_BAD_INPUT', message);
}
