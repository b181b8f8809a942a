/**
 * Which ordering box an update belongs to, read from its fields (so new layers need no table):
 * - `pts` + `ptsCount` on a channel update (its name says Channel and it names a channel): that
 *   channel's own pts box;
 * - `pts` + `ptsCount` otherwise: the common (private chats and basic groups) pts box;
 * - `qts`: the qts box (secret chats, bot events), one step per update.
 */

/** The fields of an update the sequencer reads. TL objects satisfy it structurally. */
export interface UpdateLike {
  readonly _: string;
  readonly [field: string]: unknown;
}

export type SequenceBox = 'common' | 'qts' | `channel:${string}`;

export interface UpdateSequence {
  box: SequenceBox;
  /** The box value after this update is applied. */
  pts: number;
  /** How many steps this update moves the box. */
  count: number;
}

export function sequenceOf(update: UpdateLike): UpdateSequence | undefined {
  const pts = update['pts'];
  const ptsCount = update['ptsCount'];
  if (typeof pts === 'number' && typeof ptsCount === 'number') {
    const channelId = channelIdOf(update);
    if (channelId !== undefined) return { box: `channel:${channelId}`, pts, count: ptsCount };
    return { box: 'common', pts, count: ptsCount };
  }
  const qts = update['qts'];
  if (typeof qts === 'number') return { box: 'qts', pts: qts, count: 1 };
  return undefined;
}

/** The channel an update belongs to, for channel-box updates. */
export function channelIdOf(update: UpdateLike): bigint | undefined {
  if (!update._.includes('Channel')) return undefined;
  const direct = update['channelId'];
  if (typeof direct === 'bigint') return direct;
  const message = update['message'];
  if (typeof message === 'object' && message !== null) {
    const peer = (message as { peerId?: { _: string; channelId?: unknown } }).peerId;
    if (peer && peer._ === 'peerChannel' && typeof peer.channelId === 'bigint') return peer.channelId;
  }
  return undefined;
}
