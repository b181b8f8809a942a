/**
 * The programmatic control API: act as a seeded user, read what bots sent, list connections,
 * switch faults, watch protocol violations. The loopback HTTP endpoint of the CLI is a thin JSON
 * layer over this.
 */
import { EventEmitter } from 'node:events';
import type { Dc } from '../dc/dc.js';
import { parseFaults, type Faults } from '../faults/faults.js';
import type { ConnectionInfo } from '../net/connection.js';
import type { Violation, ViolationLog } from '../violations.js';
import type { PeerRef, StoredMessage, WorldUser } from '../world/entities.js';
import type { Delivery, World } from '../world/world.js';

/** A message as the control API reports it. */
export interface MessageView {
  id: number;
  date: number;
  text: string;
  /** Who sent it (user or bot id). */
  fromId: number;
  /** The chat it lives in: `user:ID`, `chat:ID` or `channel:ID`, as the box owner sees it. */
  peer: string;
  /** For user boxes: the box owner. */
  ownerId?: number;
  documentId?: string;
}

/** Where a fault switch applies: a whole DC, one connection, or (neither) every DC. */
export interface FaultTarget {
  dcId?: number;
  connectionId?: number;
}

export class TestDcControl {
  private readonly world: World;
  private readonly dcs: Map<number, Dc>;
  private readonly violationLog: ViolationLog;
  private readonly emitter = new EventEmitter();
  private readonly stop: () => void;

  constructor(world: World, dcs: Map<number, Dc>, violations: ViolationLog) {
    this.world = world;
    this.dcs = dcs;
    this.violationLog = violations;
    this.stop = world.onDelivery((delivery) => this.onDelivery(delivery));
    this.emitter.setMaxListeners(100);
  }

  dispose(): void {
    this.stop();
    this.emitter.removeAllListeners();
  }

  // ---- the world --------------------------------------------------------------------------

  /** Finds a user or bot by id, `@username` or `username`. */
  user(ref: string | number): WorldUser | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) return this.world.users.get(Number(ref));
    return this.world.userByUsername(ref.replace(/^@/, ''));
  }

  /**
   * Makes a seeded user (or any existing account) write `text` to `to`: a user/bot (`@name` or
   * id), `group` (the seeded basic group) or `channel` (the seeded channel). The bot receives an
   * update on its sessions, exactly as when a real user writes.
   */
  sendAsUser(options: { from: string | number; to: string | number; text: string; documentId?: bigint }): MessageView {
    const sender = this.user(options.from);
    if (sender === undefined) throw new Error(`unknown sender ${options.from}`);
    const peer = this.resolvePeer(options.to);
    const outcome = this.world.sendMessage(sender.id, peer, options.text, undefined, options.documentId);
    if (!outcome.ok) throw new Error(`send failed: ${outcome.code} ${outcome.error}`);
    return view(outcome.message, peer.kind === 'channel' ? undefined : sender.id);
  }

  private resolvePeer(to: string | number): PeerRef {
    if (to === 'group') return { kind: 'chat', id: [...this.world.chats.keys()][0] };
    if (to === 'channel') return { kind: 'channel', id: [...this.world.channels.keys()][0] };
    if (typeof to === 'string' && /^chat:\d+$/.test(to)) return { kind: 'chat', id: Number(to.slice(5)) };
    if (typeof to === 'string' && /^channel:\d+$/.test(to)) return { kind: 'channel', id: Number(to.slice(8)) };
    const user = this.user(to);
    if (user === undefined) throw new Error(`unknown recipient ${to}`);
    return { kind: 'user', id: user.id };
  }

  /** Messages `bot` (id or username) has sent: to users and groups (its box) and to channels. */
  botMessages(bot: string | number, options: { peer?: string | number } = {}): MessageView[] {
    const account = this.user(bot);
    if (account === undefined) return [];
    const wanted = options.peer !== undefined ? peerKey(this.resolvePeer(options.peer)) : undefined;
    const out: MessageView[] = [];
    for (const message of account.box.messages.values()) {
      if (message.out && (wanted === undefined || peerKey(message.peer) === wanted)) out.push(view(message, account.id));
    }
    for (const channel of this.world.channels.values()) {
      for (const message of channel.messages.values()) {
        if (message.authorId === account.id && (wanted === undefined || peerKey(message.peer) === wanted)) out.push(view(message));
      }
    }
    return out.sort((a, b) => a.date - b.date || a.id - b.id);
  }

  /** Resolves with the first message `bot` sends (after the call) that matches `predicate`. */
  waitForBotMessage(bot: string | number, options: { predicate?: (message: MessageView) => boolean; timeoutMs?: number } = {}): Promise<MessageView> {
    const account = this.user(bot);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const listener = (message: MessageView) => {
        const current = account ?? this.user(bot);
        if (current === undefined || message.fromId !== current.id) return;
        if (options.predicate && !options.predicate(message)) return;
        cleanup();
        resolve(message);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no message from ${bot} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.emitter.off('sent', listener);
      };
      this.emitter.on('sent', listener);
    });
  }

  /** Every message written anywhere, once per send (the sender's copy). */
  onMessage(listener: (message: MessageView) => void): () => void {
    this.emitter.on('sent', listener);
    return () => this.emitter.off('sent', listener);
  }

  private onDelivery(delivery: Delivery): void {
    const message = delivery.message;
    // One event per send: the sender's own copy, or the channel post (delivered once per member).
    if (delivery.channelId !== undefined) {
      if (delivery.userId !== [...(this.world.channels.get(delivery.channelId)?.members ?? [])][0]) return;
      this.emitter.emit('sent', view(message));
      return;
    }
    if (delivery.userId === delivery.senderId && message.out) this.emitter.emit('sent', view(message, delivery.userId));
  }

  /** The seeded document(s), for upload.getFile. */
  documents(): { id: bigint; accessHash: bigint; fileReference: Uint8Array; dcId: number; size: number; fileName: string; bytes: Uint8Array }[] {
    return [...this.world.documents.values()].map((document) => ({
      id: document.id,
      accessHash: document.accessHash,
      fileReference: document.fileReference,
      dcId: document.dcId,
      size: document.bytes.length,
      fileName: document.fileName,
      bytes: document.bytes,
    }));
  }

  // ---- connections and faults ---------------------------------------------------------------

  connections(dcId?: number): ConnectionInfo[] {
    const out: ConnectionInfo[] = [];
    for (const dc of this.dcs.values()) {
      if (dcId !== undefined && dc.dcId !== dcId) continue;
      for (const connection of dc.connections) out.push(connection.info());
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * Sets fault switches on a connection, a DC, or (no target) every DC. Values merge into what is
   * set; an `undefined` value clears that switch.
   */
  setFaults(input: Faults, target: FaultTarget = {}): void {
    // Validate what is set; keep `undefined` entries, which clear a switch.
    const faults: Faults = parseFaults(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
    for (const [key, value] of Object.entries(input)) if (value === undefined) (faults as Record<string, unknown>)[key] = undefined;
    if (target.connectionId !== undefined) {
      const connection = this.findConnection(target.connectionId);
      if (connection === undefined) throw new Error(`no connection ${target.connectionId}`);
      connection.faults.set(faults);
      return;
    }
    for (const dc of this.targetDcs(target.dcId)) dc.faults.set(faults);
  }

  clearFaults(target: FaultTarget = {}): void {
    if (target.connectionId !== undefined) {
      this.findConnection(target.connectionId)?.faults.clear();
      return;
    }
    for (const dc of this.targetDcs(target.dcId)) {
      dc.faults.clear();
      if (target.dcId === undefined) for (const connection of dc.connections) connection.faults.clear();
    }
  }

  faults(target: FaultTarget = {}): Faults {
    if (target.connectionId !== undefined) return { ...(this.findConnection(target.connectionId)?.faults.faults ?? {}) };
    const dc = target.dcId !== undefined ? this.dcs.get(target.dcId) : undefined;
    return { ...(dc?.faults.faults ?? {}) };
  }

  /** Replaces every server salt now: the next message on each key gets bad_server_salt. */
  rotateSalts(dcId?: number): void {
    for (const dc of this.targetDcs(dcId)) dc.rotateSalts();
  }

  /** Answers the next `count` set_client_DH_params with dh_gen_retry. */
  forceDhGenRetry(dcId: number, count = 1): void {
    const dc = this.dcs.get(dcId);
    if (dc === undefined) throw new Error(`no DC ${dcId}`);
    dc.handshake.forceRetries = count;
  }

  /** Forgets sessions: the next message of each gets new_session_created. */
  forgetSessions(dcId?: number): void {
    for (const dc of this.targetDcs(dcId)) dc.forgetSessions();
  }

  /** Drops connections abruptly (no close frame, no FIN). */
  dropConnections(target: FaultTarget = {}): number {
    let dropped = 0;
    for (const dc of this.targetDcs(target.dcId)) {
      for (const connection of [...dc.connections]) {
        if (target.connectionId !== undefined && connection.id !== target.connectionId) continue;
        connection.destroy();
        dropped++;
      }
    }
    return dropped;
  }

  // ---- strict mode --------------------------------------------------------------------------

  violations(): Violation[] {
    return this.violationLog.all();
  }

  clearViolations(): void {
    this.violationLog.clear();
  }

  onViolation(listener: (violation: Violation) => void): () => void {
    return this.violationLog.on(listener);
  }

  private targetDcs(dcId: number | undefined): Dc[] {
    if (dcId === undefined) return [...this.dcs.values()];
    const dc = this.dcs.get(dcId);
    if (dc === undefined) throw new Error(`no DC ${dcId}`);
    return [dc];
  }

  private findConnection(id: number) {
    for (const dc of this.dcs.values()) for (const connection of dc.connections) if (connection.id === id) return connection;
    return undefined;
  }
}

function peerKey(peer: PeerRef): string {
  return `${peer.kind}:${peer.id}`;
}

function view(message: StoredMessage, ownerId?: number): MessageView {
  return {
    id: message.id,
    date: message.date,
    text: message.text,
    fromId: message.authorId,
    peer: peerKey(message.peer),
    ...(ownerId !== undefined ? { ownerId } : {}),
    ...(message.documentId !== undefined ? { documentId: message.documentId.toString() } : {}),
  };
}
