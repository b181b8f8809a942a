/**
 * Unencrypted MTProto messages (spec §7.8), used only by the auth-key exchange:
 * `auth_key_id = 0 (8) | msg_id (8) | message_data_length (4) | message_data`.
 */
import { ProtocolError } from '../errors.js';

export const PLAIN_HEADER_LENGTH = 20;

export function encodePlainMessage(msgId: bigint, body: Uint8Array): Uint8Array {
  const packet = new Uint8Array(PLAIN_HEADER_LENGTH + body.length);
  const view = new DataView(packet.buffer);
  // bytes 0..8 stay zero: auth_key_id = 0
  view.setBigInt64(8, msgId, true);
  view.setInt32(16, body.length, true);
  packet.set(body, PLAIN_HEADER_LENGTH);
  return packet;
}

export interface PlainMessage {
  msgId: bigint;
  body: Uint8Array;
}

/** True when the packet starts with auth_key_id = 0. */
export function isPlainPacket(packet: Uint8Array): boolean {
  if (packet.length < 8) return false;
  for (let i = 0; i < 8; i++) if (packet[i] !== 0) return false;
  return true;
}

export function decodePlainMessage(packet: Uint8Array): PlainMessage {
  if (packet.length < PLAIN_HEADER_LENGTH) {
    throw new ProtocolError('PLAIN_MESSAGE_SHORT', `unencrypted message of ${packet.length} bytes is shorter than its header`);
  }
  if (!isPlainPacket(packet)) throw new ProtocolError('PLAIN_MESSAGE_KEY_ID', 'unencrypted message with a non-zero auth_key_id');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const msgId = view.getBigInt64(8, true);
  const length = view.getInt32(16, true);
  if (length < 0 || length > packet.length - PLAIN_HEADER_LENGTH) {
    throw new ProtocolError('PLAIN_MESSAGE_LENGTH', `unencrypted message claims ${length} bytes, ${packet.length - PLAIN_HEADER_LENGTH} present`);
  }
  if ((msgId & 1n) === 0n) throw new ProtocolError('PLAIN_MESSAGE_MSG_ID', 'server msg_id of an unencrypted message is even');
  return { msgId, body: packet.subarray(PLAIN_HEADER_LENGTH, PLAIN_HEADER_LENGTH + length) };
}
