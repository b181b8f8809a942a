/** Constructor ids the server treats as MTProto service messages rather than RPC calls. */
export const ID = {
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,
  msgsAck: 0x62d6b459,
  ping: 0x7abe77ec,
  pingDelayDisconnect: 0xf3427b8c,
  getFutureSalts: 0xb921bd04,
  destroySession: 0xe7512126,
  destroyAuthKey: 0xd1435160,
  msgsStateReq: 0xda69fb52,
  msgResendReq: 0x7d861a08,
  rpcDropAnswer: 0x58e4a740,
  httpWait: 0x9299359f,
  msgsStateInfo: 0x04deb57d,
  msgsAllInfo: 0x8cc0d131,
  msgDetailedInfo: 0x276d3ec6,
  msgNewDetailedInfo: 0x809db6df,
  msgCopy: 0xe06046b2,
} as const;

/** Must carry an even seq_no (bad_msg 34 otherwise). */
export const NEVER_CONTENT = new Set<number>([ID.msgContainer, ID.msgsAck, ID.msgCopy]);

/** Service messages a client may mark either way. */
export const EITHER_CONTENT = new Set<number>([
  ID.ping,
  ID.pingDelayDisconnect,
  ID.getFutureSalts,
  ID.destroySession,
  ID.destroyAuthKey,
  ID.msgsStateReq,
  ID.msgResendReq,
  ID.rpcDropAnswer,
  ID.httpWait,
  ID.msgsStateInfo,
  ID.msgsAllInfo,
  ID.msgDetailedInfo,
  ID.msgNewDetailedInfo,
]);
