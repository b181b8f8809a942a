/**
 * Reading `*_MIGRATE_X` errors (protocol notes §9.3). PHONE/NETWORK/USER_MIGRATE move the account's
 * home; FILE_MIGRATE and STATS_MIGRATE only send one request elsewhere.
 */

export interface Migration {
  dcId: number;
  /** True when the account now lives on `dcId` (the registry remembers it as home). */
  home: boolean;
  kind: 'PHONE' | 'NETWORK' | 'USER' | 'FILE' | 'STATS';
}

const MIGRATE = /^(PHONE|NETWORK|USER|FILE|STATS)_MIGRATE_(\d{1,5})$/;

/**
 * Parses a migration error: the RPC error text (`'USER_MIGRATE_4'`) or any object with
 * `errorMessage` (the RpcError of @x/mtproto-core). Returns undefined for anything else.
 */
export function parseMigration(error: string | { errorMessage?: unknown }): Migration | undefined {
  const text = typeof error === 'string' ? error : error?.errorMessage;
  if (typeof text !== 'string') return undefined;
  const match = MIGRATE.exec(text);
  if (!match) return undefined;
  const dcId = Number(match[2]);
  if (dcId === 0) return undefined;
  const kind = match[1] as Migration['kind'];
  return { dcId, home: kind !== 'FILE' && kind !== 'STATS', kind };
}
