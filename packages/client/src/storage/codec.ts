/**
 * The versioned text format of a stored session (JSON). bigints are decimal strings, bytes base64.
 * Decoding validates every field: a file that is not ours, or ours but damaged, is refused with a
 * SessionStorageError that says which, instead of being half-read.
 */
import { base64ToBytes, bytesToBase64 } from '../util/base64.js';
import { SessionStorageError } from './errors.js';
import type { SessionData, StoredDcKey, StoredPeer, StoredSelf, StoredUpdateState } from './session-data.js';

export const SESSION_FORMAT = 'x-mtproto-session';
export const SESSION_FORMAT_VERSION = 1;

export function encodeSession(session: SessionData): string {
  const dcs: Record<string, unknown> = {};
  for (const [dcId, key] of [...session.dcs].sort((a, b) => a[0] - b[0])) {
    dcs[String(dcId)] = {
      authKey: bytesToBase64(key.authKey),
      authKeyId: key.authKeyId.toString(),
      serverSalt: key.serverSalt.toString(),
      timeOffset: key.timeOffset,
      authorized: key.authorized,
    };
  }
  const document = {
    format: SESSION_FORMAT,
    version: SESSION_FORMAT_VERSION,
    testServers: session.testServers,
    homeDcId: session.homeDcId ?? null,
    transport: session.transport ?? null,
    dcs,
    self: session.self
      ? { id: session.self.id.toString(), bot: session.self.bot, username: session.self.username, firstName: session.self.firstName }
      : null,
    updates: session.updates ?? null,
    peers: session.peers.map((peer) => ({
      type: peer.type,
      id: peer.id.toString(),
      accessHash: peer.accessHash.toString(),
      username: peer.username,
      updatedAt: peer.updatedAt,
    })),
    registry: session.registry ?? null,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Parses a stored session. `location` names the source in error messages. */
export function decodeSession(text: string, location: string): SessionData {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    throw foreignOrCorrupt(text, location, cause);
  }
  if (!isRecord(document) || document['format'] !== SESSION_FORMAT) {
    throw new SessionStorageError(
      'SESSION_FOREIGN',
      location,
      'this is not an x-mtproto session file (it may belong to another program); refusing to read or overwrite it. Use another sessionName or move the file away.',
    );
  }
  const version = document['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw corrupt(location, 'missing or invalid "version"');
  }
  if (version > SESSION_FORMAT_VERSION) {
    throw new SessionStorageError(
      'SESSION_VERSION',
      location,
      `session format version ${version} is newer than this library understands (${SESSION_FORMAT_VERSION}); upgrade @x/client or use another session`,
    );
  }
  try {
    return {
      testServers: expectBoolean(document['testServers'], 'testServers'),
      homeDcId: optional(document['homeDcId'], (v) => expectDcId(v, 'homeDcId')),
      transport: optional(document['transport'], (v) => {
        if (v !== 'tcp' && v !== 'websocket') throw new Error('"transport" must be "tcp" or "websocket"');
        return v;
      }),
      dcs: decodeDcs(document['dcs']),
      self: optional(document['self'], decodeSelf),
      updates: optional(document['updates'], decodeUpdates),
      peers: decodePeers(document['peers']),
      registry: document['registry'] ?? undefined,
    };
  } catch (cause) {
    throw corrupt(location, (cause as Error).message, cause);
  }
}

function decodeDcs(value: unknown): Map<number, StoredDcKey> {
  if (!isRecord(value)) throw new Error('"dcs" must be an object');
  const out = new Map<number, StoredDcKey>();
  for (const [dcText, entry] of Object.entries(value)) {
    const dcId = expectDcId(Number(dcText), `dcs key ${dcText}`);
    if (!isRecord(entry)) throw new Error(`dcs.${dcText} must be an object`);
    let authKey: Uint8Array;
    try {
      authKey = base64ToBytes(expectString(entry['authKey'], `dcs.${dcText}.authKey`));
    } catch {
      throw new Error(`dcs.${dcText}.authKey is not base64`);
    }
    if (authKey.length !== 256) throw new Error(`dcs.${dcText}.authKey must be 256 bytes, got ${authKey.length}`);
    out.set(dcId, {
      authKey,
      authKeyId: expectBigint(entry['authKeyId'], `dcs.${dcText}.authKeyId`),
      serverSalt: expectBigint(entry['serverSalt'], `dcs.${dcText}.serverSalt`),
      timeOffset: expectInteger(entry['timeOffset'], `dcs.${dcText}.timeOffset`),
      authorized: expectBoolean(entry['authorized'], `dcs.${dcText}.authorized`),
    });
  }
  return out;
}

function decodeSelf(value: unknown): StoredSelf {
  if (!isRecord(value)) throw new Error('"self" must be an object');
  return {
    id: expectBigint(value['id'], 'self.id'),
    bot: expectBoolean(value['bot'], 'self.bot'),
    username: optional(value['username'], (v) => expectString(v, 'self.username')),
    firstName: optional(value['firstName'], (v) => expectString(v, 'self.firstName')),
  };
}

function decodeUpdates(value: unknown): StoredUpdateState {
  if (!isRecord(value)) throw new Error('"updates" must be an object');
  const channels: Record<string, number> = {};
  const rawChannels = value['channels'] ?? {};
  if (!isRecord(rawChannels)) throw new Error('updates.channels must be an object');
  for (const [id, pts] of Object.entries(rawChannels)) {
    if (!/^\d+$/.test(id)) throw new Error(`updates.channels key ${id} is not a channel id`);
    channels[id] = expectInteger(pts, `updates.channels.${id}`);
  }
  return {
    pts: expectInteger(value['pts'], 'updates.pts'),
    qts: expectInteger(value['qts'], 'updates.qts'),
    seq: expectInteger(value['seq'], 'updates.seq'),
    date: expectInteger(value['date'], 'updates.date'),
    channels,
  };
}

function decodePeers(value: unknown): StoredPeer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error('"peers" must be an array');
  return value.map((entry: unknown, index) => {
    if (!isRecord(entry)) throw new Error(`peers[${index}] must be an object`);
    const type = entry['type'];
    if (type !== 'user' && type !== 'chat' && type !== 'channel') throw new Error(`peers[${index}].type is invalid`);
    return {
      type,
      id: expectBigint(entry['id'], `peers[${index}].id`),
      accessHash: expectBigint(entry['accessHash'], `peers[${index}].accessHash`),
      username: optional(entry['username'], (v) => expectString(v, `peers[${index}].username`)),
      updatedAt: expectInteger(entry['updatedAt'], `peers[${index}].updatedAt`),
    };
  });
}

function foreignOrCorrupt(text: string, location: string, cause: unknown): SessionStorageError {
  // A file that starts like JSON but does not parse is ours damaged; anything else is foreign.
  const start = text.trimStart();
  if (start.startsWith('{') && start.includes(`"${SESSION_FORMAT}"`)) {
    return corrupt(location, 'the file is damaged (invalid JSON)', cause);
  }
  return new SessionStorageError(
    'SESSION_FOREIGN',
    location,
    'this is not an x-mtproto session file (it may belong to another program); refusing to read or overwrite it. Use another sessionName or move the file away.',
    { cause },
  );
}

function corrupt(location: string, detail: string, cause?: unknown): SessionStorageError {
  return new SessionStorageError(
    'SESSION_CORRUPT',
    location,
    `the session is damaged (${detail}); it was left untouched. Delete it to log in again from scratch.`,
    { cause },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional<T>(value: unknown, decode: (value: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : decode(value);
}

function expectString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new Error(`${name} must be a string`);
  return value;
}

function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new Error(`${name} must be true or false`);
  return value;
}

function expectInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`${name} must be an integer`);
  return value;
}

function expectDcId(value: unknown, name: string): number {
  const id = expectInteger(value, name);
  if (id < 1 || id > 1000) throw new Error(`${name} is not a DC id`);
  return id;
}

function expectBigint(value: unknown, name: string): bigint {
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) throw new Error(`${name} must be a decimal integer string`);
  const n = BigInt(value);
  if (n < -(1n << 63n) || n >= 1n << 64n) throw new Error(`${name} is out of range`);
  return n;
}
