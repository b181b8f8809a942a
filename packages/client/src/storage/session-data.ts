/**
 * What the client persists between runs: one auth key and salt per DC, the home DC, the logged-in
 * account, the update state, the transport that worked, and the peers it has learned.
 */

/** One DC's key material. `authorized` is true once this key is logged in (home DC) or imported. */
export interface StoredDcKey {
  authKey: Uint8Array;
  authKeyId: bigint;
  serverSalt: bigint;
  timeOffset: number;
  authorized: boolean;
}

/** The logged-in account. */
export interface StoredSelf {
  id: bigint;
  bot: boolean;
  username?: string;
  firstName?: string;
}

/** Update sequence numbers (see the updates state machine). */
export interface StoredUpdateState {
  pts: number;
  qts: number;
  seq: number;
  date: number;
  /** channel id (decimal string) -> pts */
  channels: Record<string, number>;
}

/** A peer whose access hash we know: users, chats, channels. */
export interface StoredPeer {
  type: 'user' | 'chat' | 'channel';
  id: bigint;
  accessHash: bigint;
  username?: string;
  /** Seconds since the epoch, for cache expiry of username lookups. */
  updatedAt: number;
}

export interface SessionData {
  /** Production (false) or test (true) servers; a key for one never works on the other. */
  testServers: boolean;
  homeDcId: number | undefined;
  /** The transport kind that last worked with `transport: 'auto'`. */
  transport: 'tcp' | 'websocket' | undefined;
  dcs: Map<number, StoredDcKey>;
  self: StoredSelf | undefined;
  updates: StoredUpdateState | undefined;
  peers: StoredPeer[];
  /** Learned DC addresses (opaque to this package; the registry serialises itself). */
  registry: unknown;
}

export function emptySession(testServers: boolean): SessionData {
  return {
    testServers,
    homeDcId: undefined,
    transport: undefined,
    dcs: new Map(),
    self: undefined,
    updates: undefined,
    peers: [],
    registry: undefined,
  };
}
