/**
 * One client connection to one DC: carrier + server stream + fault switches. Packets go up to the
 * DC's protocol handler; answers come down through `sendPacket`, which applies corrupt-frame and
 * stall faults and keeps the order of everything written.
 */
import type { Carrier, CarrierKind } from './carrier.js';
import { ServerStream, type StreamInfo } from './server-stream.js';
import { FaultScope, pickScope } from '../faults/fault-scope.js';
import type { ViolationLog, ViolationKind } from '../violations.js';

export interface ConnectionHost {
  readonly dcId: number;
  readonly faults: FaultScope;
  readonly violations: ViolationLog;
  /** A whole client packet. */
  onPacket(connection: Connection, packet: Uint8Array, quickAck: boolean): void;
  onClosed(connection: Connection): void;
  log(message: string): void;
}

export interface ConnectionInfo {
  id: number;
  dcId: number;
  carrier: CarrierKind;
  remote: string;
  framing?: string;
  obfuscated?: boolean;
  initDcId?: number;
  subprotocol?: string;
  openedAt: string;
  packetsIn: number;
  packetsOut: number;
  authKeyId?: string;
  userId?: number;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly host: ConnectionHost;
  readonly carrier: Carrier;
  readonly faults = new FaultScope();
  readonly openedAt = new Date();
  packetsIn = 0;
  packetsOut = 0;
  /** Set by the protocol layer once an encrypted packet arrived. */
  authKeyId: bigint | undefined;
  userId: number | undefined;
  closed = false;
  private readonly stream: ServerStream;
  private readonly queue: Uint8Array[] = [];
  private stallTimer: NodeJS.Timeout | undefined;
  private disconnectTimer: NodeJS.Timeout | undefined;
  private closeAfterFlush: { code?: number; reason?: string } | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(host: ConnectionHost, carrier: Carrier) {
    this.host = host;
    this.carrier = carrier;
    const messageBased = carrier.kind !== 'tcp';
    this.stream = new ServerStream(
      { messageBased, requireObfuscation: messageBased },
      {
        packet: (data, quickAck) => this.onPacket(data, quickAck),
        detected: (info) => host.log(`connection ${this.id}: ${describe(carrier.kind, info)}`),
        boundaryViolation: (kind, detail) =>
          this.violation(kind === 'several-packets-in-message' ? 'ws-several-packets-in-message' : 'ws-packet-split-across-messages', detail),
      },
    );
    if (messageBased && carrier.subprotocol !== 'binary') {
      this.violation('ws-missing-binary-subprotocol', 'the WebSocket upgrade did not ask for the "binary" subprotocol');
    }
    carrier.start({
      data: (chunk) => this.onData(chunk),
      closed: () => this.onCarrierClosed(),
    });
  }

  get streamInfo(): StreamInfo | undefined {
    return this.stream.info;
  }

  info(): ConnectionInfo {
    const stream = this.stream.info;
    return {
      id: this.id,
      dcId: this.host.dcId,
      carrier: this.carrier.kind,
      remote: this.carrier.remote,
      ...(stream ? { framing: stream.framing, obfuscated: stream.obfuscated } : {}),
      ...(stream?.initDcId !== undefined ? { initDcId: stream.initDcId } : {}),
      ...(this.carrier.subprotocol !== undefined ? { subprotocol: this.carrier.subprotocol } : {}),
      openedAt: this.openedAt.toISOString(),
      packetsIn: this.packetsIn,
      packetsOut: this.packetsOut,
      ...(this.authKeyId !== undefined ? { authKeyId: (BigInt.asUintN(64, this.authKeyId)).toString(16).padStart(16, '0') } : {}),
      ...(this.userId !== undefined ? { userId: this.userId } : {}),
    };
  }

  violation(kind: ViolationKind, detail: string): void {
    this.host.violations.report(kind, { dcId: this.host.dcId, connectionId: this.id }, detail);
  }

  /** The effective value of a fault switch (connection first, then DC). */
  fault<K extends keyof import('../faults/faults.js').Faults>(key: K): import('../faults/faults.js').Faults[K] {
    return pickScope(key, this.faults, this.host.faults)?.faults[key];
  }

  /** Consumes one unit of a counted fault. */
  takeFault(key: 'corruptFrames' | 'wrongMsgKey'): boolean {
    return pickScope(key, this.faults, this.host.faults)?.take(key) ?? false;
  }

  takeFloodWait(method: string): number | undefined {
    return this.faults.takeFloodWait(method) ?? this.host.faults.takeFloodWait(method);
  }

  /** Seconds added to the server's clock for this connection. */
  get clockSkewSeconds(): number {
    return this.fault('clockSkewSeconds') ?? 0;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private onData(chunk: Uint8Array): void {
    if (this.closed) return;
    try {
      this.stream.feed(chunk);
    } catch (error) {
      this.host.log(`connection ${this.id}: closing, bad stream: ${(error as Error).message}`);
      this.destroy();
    }
  }

  private onPacket(data: Uint8Array, quickAck: boolean): void {
    if (this.closed) return;
    this.packetsIn++;
    const drop = this.fault('dropAfterPackets');
    if (drop !== undefined && this.packetsIn > drop) {
      this.host.log(`connection ${this.id}: fault dropAfterPackets=${drop}, dropping`);
      this.destroy();
      return;
    }
    const wsClose = this.fault('wsClose');
    if (wsClose !== undefined && this.carrier.kind !== 'tcp') {
      this.host.log(`connection ${this.id}: fault wsClose ${wsClose.code}`);
      this.close(wsClose.code, wsClose.reason);
      return;
    }
    const transportError = this.fault('transportError');
    if (transportError !== undefined) {
      this.host.log(`connection ${this.id}: fault transportError ${transportError}`);
      this.sendTransportError(transportError);
      this.close(1000, String(transportError));
      return;
    }
    this.host.onPacket(this, data, quickAck);
  }

  /** Frames and sends one MTProto packet. */
  sendPacket(payload: Uint8Array): void {
    if (this.closed || this.closeAfterFlush) return;
    this.packetsOut++;
    this.write(this.stream.encode(payload, this.takeFault('corruptFrames')));
  }

  sendQuickAck(token: number): void {
    if (this.closed || this.closeAfterFlush) return;
    const framed = this.stream.encodeQuickAck(token);
    if (framed) this.write(framed);
  }

  /** A transport error packet; the caller usually closes right after (as Telegram does). */
  sendTransportError(code: number): void {
    if (this.closed || this.closeAfterFlush || this.stream.info === undefined) return;
    this.write(this.stream.encodeTransportError(code));
  }

  private write(bytes: Uint8Array): void {
    const stallUntil = Math.max(this.faults.stallUntil, this.host.faults.stallUntil);
    if (this.queue.length > 0 || stallUntil > Date.now()) {
      this.queue.push(bytes);
      this.scheduleFlush(stallUntil);
      return;
    }
    this.carrier.write(bytes);
  }

  private scheduleFlush(until: number): void {
    if (this.stallTimer !== undefined) return;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      const again = Math.max(this.faults.stallUntil, this.host.faults.stallUntil);
      if (again > Date.now()) {
        this.scheduleFlush(again);
        return;
      }
      for (const bytes of this.queue.splice(0)) this.carrier.write(bytes);
      if (this.closeAfterFlush) this.finishClose();
    }, Math.max(0, until - Date.now()));
  }

  /** (Re)arms ping_delay_disconnect: close after `seconds` without another such ping. */
  armDisconnectDelay(seconds: number): void {
    if (this.disconnectTimer !== undefined) clearTimeout(this.disconnectTimer);
    this.disconnectTimer = setTimeout(() => {
      this.host.log(`connection ${this.id}: ping_delay_disconnect expired`);
      this.close();
    }, seconds * 1000);
    this.disconnectTimer.unref();
  }

  /** Graceful close after everything queued has been written. */
  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.closeAfterFlush = { code, reason };
    if (this.queue.length === 0) this.finishClose();
  }

  private finishClose(): void {
    const how = this.closeAfterFlush ?? {};
    this.carrier.close(how.code, how.reason);
    this.markClosed();
  }

  /** Abrupt drop: no flush, no close frame. */
  destroy(): void {
    if (this.closed) return;
    this.carrier.destroy();
    this.markClosed();
  }

  private onCarrierClosed(): void {
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.stallTimer !== undefined) clearTimeout(this.stallTimer);
    if (this.disconnectTimer !== undefined) clearTimeout(this.disconnectTimer);
    this.queue.length = 0;
    this.host.onClosed(this);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

function describe(carrier: CarrierKind, info: StreamInfo): string {
  return `${carrier}/${info.obfuscated ? 'obfuscated-' : ''}${info.framing}${info.initDcId !== undefined ? ` (init dc ${info.initDcId})` : ''}`;
}
