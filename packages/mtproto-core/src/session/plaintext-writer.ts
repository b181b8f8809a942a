/**
 * Builds the plaintext of one outgoing packet in a reused buffer (spec §7.1):
 * `salt | session_id | msg_id | seq_no | length | body | padding`, where the body is either one
 * message or a msg_container of several (spec §8.2). Lengths, ids and seq_nos are patched in
 * once known, so bodies are serialized straight into place without intermediate copies.
 *
 * The buffer starts with CIPHER_HEADROOM spare bytes so MessageCipher can hash
 * `auth_key part ‖ plaintext` in one pass (`encrypt(plaintext, true)`).
 */
import { TlWriter } from '../binary/writer.js';
import { MSG_CONTAINER_ID } from '../tl/container.js';
import { CIPHER_HEADROOM, PLAINTEXT_HEADER, paddingLength } from './message-cipher.js';

/** Where the plaintext starts in the writer's buffer. */
const START = CIPHER_HEADROOM;
/** Where the body starts. */
const BODY = START + PLAINTEXT_HEADER;

export class PlaintextWriter {
  readonly writer = new TlWriter(16 * 1024);
  private container = false;
  private count = 0;
  private innerStart = 0;

  /** Starts a packet; `container` decides the body layout. */
  begin(salt: bigint, sessionId: bigint, container: boolean): void {
    const w = this.writer;
    w.reset();
    w.ensure(BODY + 8);
    w.position = START;
    w.int64(salt);
    w.int64(sessionId);
    w.position += 16; // msg_id, seq_no, length: patched in finish()
    this.container = container;
    this.count = 0;
    if (container) {
      w.uint32(MSG_CONTAINER_ID);
      w.int32(0); // count, patched in finish()
    }
  }

  /** Where the next message starts; pass it to `rollback` to drop a message that failed to serialize. */
  beginMessage(): number {
    const start = this.writer.position;
    if (this.container) {
      this.writer.ensure(16);
      this.writer.position += 16; // msg_id, seqno, bytes: patched in endMessage()
    }
    this.innerStart = this.writer.position;
    return start;
  }

  /** The serialized body of the current message so far (a view; valid until the next write). */
  currentBody(): Uint8Array {
    return this.writer.buffer.subarray(this.innerStart, this.writer.position);
  }

  /** Drops the current body so it can be written again, e.g. in its gzip_packed form. */
  rewindBody(): void {
    this.writer.position = this.innerStart;
  }

  rollback(start: number): void {
    this.writer.position = start;
  }

  /** Completes the current message. Inside a container its header is patched here. */
  endMessage(msgId: bigint, seqNo: number): void {
    const w = this.writer;
    if (this.container) {
      const header = this.innerStart - 16;
      w.view.setBigInt64(header, msgId, true);
      w.view.setInt32(header + 8, seqNo, true);
      w.view.setInt32(header + 12, w.position - this.innerStart, true);
    } else if (this.count > 0) {
      throw new Error('a packet without a container holds one message');
    }
    this.count++;
  }

  get messageCount(): number {
    return this.count;
  }

  /** Bytes of body written so far (container overhead included). */
  get bodyLength(): number {
    return this.writer.position - BODY;
  }

  /**
   * Patches the outer header, appends 12..1024 bytes of random padding and returns the plaintext:
   * a view of the reused buffer with CIPHER_HEADROOM spare bytes before it. Encrypt it before the
   * next `begin`.
   */
  finish(msgId: bigint, seqNo: number, randomFill: (target: Uint8Array) => Uint8Array): Uint8Array {
    const w = this.writer;
    const bodyLength = w.position - BODY;
    if (this.container) w.view.setInt32(BODY + 4, this.count, true);
    w.view.setBigInt64(START + 16, msgId, true);
    w.view.setInt32(START + 24, seqNo, true);
    w.view.setInt32(START + 28, bodyLength, true);
    // One random fill gives the padding bytes (at most 75) and, past them, the byte that picks the
    // number of extra padding blocks.
    w.ensure(80);
    const random = randomFill(w.buffer.subarray(w.position, w.position + 80));
    const padding = paddingLength(bodyLength, random[79]);
    w.position += padding;
    return w.buffer.subarray(START, w.position);
  }
}
