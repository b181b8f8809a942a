import type { Tl, TlType } from '@x/mtproto-core';
import { markedId, peerKeyOf, type PeerKey } from './peers/marked-id.js';

/** What a message needs from the client to answer itself. */
export interface MessageReplier {
  sendMessage(chat: PeerKey, text: string, options?: SendMessageOptions): Promise<Message>;
}

export interface SendMessageOptions {
  /** Answer this message id (in the same chat). */
  replyTo?: number;
  /** Deliver without a notification sound. */
  silent?: boolean;
  /** Do not generate a link preview. */
  noWebpage?: boolean;
  /** Formatting entities (bold, links...) for `text`, as TL `MessageEntity` objects. */
  entities?: TlType<'MessageEntity'>[];
}

/** A message, with the fields bots use most and the whole TL object in `raw`. */
export class Message {
  readonly id: number;
  /** The chat the message is in (for private chats: the other user). */
  readonly chat: PeerKey;
  /** `chat` as one number: users positive, basic groups `-id`, channels `-(10^12 + id)`. */
  readonly chatId: bigint;
  /** Who sent it (marked id as `chatId`), when known (channel posts may have none). */
  readonly senderId: bigint | undefined;
  readonly text: string;
  readonly date: Date;
  /** True for messages we sent. */
  readonly out: boolean;
  readonly replyToMessageId: number | undefined;
  readonly raw: Tl<'message'>;
  /** The sending user, when the update carried it. */
  readonly sender: Tl<'user'> | undefined;
  private readonly replier: MessageReplier;

  /** `findUser` looks the sender up (in the update's users, then the client's cache). */
  constructor(raw: Tl<'message'>, replier: MessageReplier, findUser: (id: bigint) => TlType<'User'> | undefined = () => undefined) {
    this.raw = raw;
    this.replier = replier;
    this.id = raw.id;
    this.chat = peerKeyOf(raw.peerId);
    this.chatId = markedId(this.chat);
    this.senderId = raw.fromId ? markedId(peerKeyOf(raw.fromId)) : this.chat.type === 'user' && !raw.out ? this.chatId : undefined;
    this.text = raw.message;
    this.date = new Date(raw.date * 1000);
    this.out = raw.out === true;
    this.replyToMessageId = raw.replyTo?._ === 'messageReplyHeader' ? raw.replyTo.replyToMsgId : undefined;
    const senderId = this.senderId;
    const sender = senderId !== undefined && senderId > 0n ? findUser(senderId) : undefined;
    this.sender = sender?._ === 'user' ? sender : undefined;
  }

  /** Sends `text` to the same chat as a reply to this message. */
  reply(text: string, options: Omit<SendMessageOptions, 'replyTo'> = {}): Promise<Message> {
    return this.replier.sendMessage(this.chat, text, { ...options, replyTo: this.id });
  }

  /** Sends `text` to the same chat, not as a reply. */
  answer(text: string, options: SendMessageOptions = {}): Promise<Message> {
    return this.replier.sendMessage(this.chat, text, options);
  }

  toJSON(): object {
    return {
      id: this.id,
      chatId: this.chatId.toString(),
      senderId: this.senderId?.toString(),
      text: this.text,
      date: this.date.toISOString(),
      out: this.out,
    };
  }
}
