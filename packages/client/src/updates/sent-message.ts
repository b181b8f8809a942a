/** Reading the answers of calls: is it an `Updates`, and which message did our send create. */
import type { Tl, TlType } from '@x/mtproto-core';

const UPDATES_CONSTRUCTORS = new Set([
  'updates',
  'updatesCombined',
  'updateShort',
  'updateShortMessage',
  'updateShortChatMessage',
  'updateShortSentMessage',
  'updatesTooLong',
]);

/** True when a call's answer is an `Updates` value (it then feeds the update stream). */
export function isUpdates(value: unknown): boolean {
  return typeof value === 'object' && value !== null && UPDATES_CONSTRUCTORS.has((value as { _?: unknown })._ as string);
}

/** An update read by field name only: the full union is too large for TypeScript to narrow cheaply. */
interface LooseUpdate {
  readonly _: string;
  readonly [field: string]: unknown;
}

/** The message our sendMessage created, found through updateMessageID's random_id. */
export function findSentMessage(result: TlType<'Updates'>, randomId: bigint): Tl<'message'> | undefined {
  if (result._ !== 'updates' && result._ !== 'updatesCombined' && result._ !== 'updateShort') return undefined;
  const list: readonly LooseUpdate[] = result._ === 'updateShort' ? [result.update] : result.updates;
  let id: number | undefined;
  for (const update of list) if (update._ === 'updateMessageID' && update['randomId'] === randomId) id = update['id'] as number;
  for (const update of list) {
    if (update._ !== 'updateNewMessage' && update._ !== 'updateNewChannelMessage') continue;
    const message = update['message'] as Tl<'message'> | { _: 'messageEmpty' | 'messageService' };
    if (message._ === 'message' && (id === undefined || message.id === id)) return message;
  }
  return undefined;
}
