/** What a method handler sees of the server while answering one call. */
import type { Connection } from '../net/connection.js';
import type { AuthKeyRecord } from '../session/auth-keys.js';
import type { ServerSession } from '../session/server-session.js';
import type { WorldUser } from '../world/entities.js';
import type { World } from '../world/world.js';

export interface DcEndpoint {
  id: number;
  host: string;
  tcpPort: number;
  wsUrl: string;
  wssUrl?: string;
}

export interface ExportedAuthorization {
  userId: number;
  bytes: Uint8Array;
  dcId: number;
  expiresAt: number;
}

/** State every DC of one test server shares. */
export interface SharedServerState {
  readonly world: World;
  readonly endpoints: () => DcEndpoint[];
  readonly exportedAuthorizations: Map<string, ExportedAuthorization>;
  /** The session whose request is being answered: world deliveries are not pushed back to it. */
  activeSession: unknown;
  readonly gzipThreshold: number;
  /** DC-specific behaviour: the key store of a DC (temp key binding needs the permanent key). */
  log(message: string): void;
}

export interface RpcContext {
  readonly shared: SharedServerState;
  readonly dcId: number;
  readonly connection: Connection;
  readonly session: ServerSession;
  readonly key: AuthKeyRecord;
  /** msg_id of the call. */
  readonly msgId: bigint;
  /** Server clock (seconds, with the connection's skew). */
  readonly now: number;
  /** The logged-in user, if any. */
  user(): WorldUser | undefined;
  /** The logged-in user, or 401 AUTH_KEY_UNREGISTERED. */
  requireUser(): WorldUser;
  /** Log the key in as `userId` (or out with undefined). */
  authorize(userId: number | undefined): void;
  /** Permanent key lookup on this DC (auth.bindTempAuthKey). */
  permanentKey(id: bigint): AuthKeyRecord | undefined;
  /** Forgets the temporary keys bound to this (permanent) key, except `except`. */
  dropTempKeys(except: readonly bigint[]): void;
}
