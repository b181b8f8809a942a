/**
 * Which transports to try for a DC, in what order, with what budget: the transport option turned
 * into a list of candidates for DcConnection.
 */
import { MtprotoError } from '@x/mtproto-core';
import type { DcTargets } from '../dc/targets.js';
import type { Logger } from '../logger.js';
import type { TransportChoice } from '../options.js';
import type { TransportCandidate, TransportKind } from './candidates.js';
import type { TransportLoader } from './loader.js';

export interface PlanInput {
  choice: TransportChoice;
  dcId: number;
  test: boolean;
  targets: DcTargets;
  loader: TransportLoader;
  /** What worked last time with 'auto' (tried first). */
  remembered: TransportKind | undefined;
  autoFallbackMs: number;
  logger: Logger;
}

export async function planCandidates(input: PlanInput): Promise<TransportCandidate[]> {
  const { choice, dcId, targets } = input;
  if (typeof choice === 'object') {
    // A factory of the user's: it may know its own addresses, else the registry's for its kind.
    const list = choice.resolve ? choice.resolve(dcId, { test: input.test, media: false }) : targets.resolve(choice.kind === 'tcp' ? 'tcp' : 'websocket', dcId);
    return list.map((target) => ({ factory: choice, target, probe: false }));
  }
  if (choice !== 'auto') {
    const factory = await input.loader.factory(choice);
    return targets.resolve(choice, dcId).map((target) => ({ factory, target, probe: false }));
  }
  // 'auto': every way but the last must prove itself (connect + one round trip) within the budget,
  // so a black-holed port costs at most `autoFallbackMs`.
  const order: TransportKind[] = input.remembered === 'websocket' ? ['websocket', 'tcp'] : ['tcp', 'websocket'];
  const out: TransportCandidate[] = [];
  for (const [index, kind] of order.entries()) {
    let factory;
    try {
      factory = await input.loader.factory(kind);
    } catch (error) {
      input.logger.warn(`transport 'auto': ${kind} unavailable`, { error });
      continue;
    }
    const last = index === order.length - 1;
    for (const target of targets.resolve(kind, dcId)) out.push({ factory, target, probe: true, ...(last ? {} : { budgetMs: input.autoFallbackMs }) });
  }
  if (out.length === 0) throw new MtprotoError('TRANSPORT_MISSING', "transport 'auto' needs @x/transport-tcp or @x/transport-ws installed");
  return out;
}
