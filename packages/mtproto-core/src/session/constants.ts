/** Constructor ids the session reads by hand, and its limits. */

export const ID_RPC_RESULT = 0xf35c6d01;
export const ID_GZIP_PACKED = 0x3072cfa1;
export const ID_MSG_CONTAINER = 0x73f1f8dc;
export const ID_BAD_SERVER_SALT = 0xedab447b;
export const ID_BAD_MSG_NOTIFICATION = 0xa7eff811;

/** Messages per outgoing container: the spec allows 1024; TDLib stays at 1000. */
export const MAX_CONTAINER_MESSAGES = 1000;
/** Stop adding messages to a container once its bodies exceed this (TDLib: 2^15). */
export const CONTAINER_SOFT_BYTES = 32 * 1024;
/** msg_ids per msgs_ack / msg_resend_req / msgs_state_req (spec §8.2). */
export const MAX_IDS_PER_SERVICE_MESSAGE = 8192;
/** A lone msgs_ack goes out at once when this many acks are pending (spec §8: "> 16"). */
export const ACK_FLUSH_COUNT = 16;
/** Requests are gzip_packed from this serialized size, when gzip saves at least 10%. */
export const GZIP_MIN_BYTES = 512;
/** A gzip_packed answer may not unpack to more than this (gzip bombs). */
export const MAX_GUNZIP_BYTES = 32 * 1024 * 1024;
/** A request sent this many times without an answer fails (salt/clock loops). */
export const MAX_SENDS = 10;
/** Accepted server msg_id time window around the server clock (spec §7.6.8). */
export const MSG_ID_PAST_SECONDS = 300;
export const MSG_ID_FUTURE_SECONDS = 30;
/** Auth-key exchange attempts per connect before giving up. */
export const HANDSHAKE_ATTEMPTS = 3;

/** Methods of the MTProto service schema: never wrapped in invokeWithLayer, never gzipped. */
export const SERVICE_METHODS: ReadonlySet<string> = new Set([
  'req_pq',
  'req_pq_multi',
  'req_DH_params',
  'set_client_DH_params',
  'rpc_drop_answer',
  'get_future_salts',
  'ping',
  'ping_delay_disconnect',
  'destroy_session',
  'destroy_auth_key',
  'http_wait',
]);

/** Methods that carry file bytes: gzip would burn CPU for nothing. */
export const NO_GZIP_METHODS: ReadonlySet<string> = new Set(['upload.saveFilePart', 'upload.saveBigFilePart']);

/** Constructors of the `Updates` type: pushed by the server, emitted as 'updates'. */
export const UPDATES_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'updatesTooLong',
  'updateShortMessage',
  'updateShortChatMessage',
  'updateShort',
  'updatesCombined',
  'updates',
  'updateShortSentMessage',
]);
