/**
 * The encrypted MTProto 2.0 session: typed RPC over any Transport.
 *
 * One MtprotoSession owns one session_id with one DC. It creates the auth key when it has none,
 * batches requests into containers, acknowledges the server's messages lazily, handles every
 * service message, keeps the connection alive and reconnects with backoff, re-sending whatever
 * has no answer yet.
 */
import { TlReader } from '../binary/reader.js';
import type { CryptoProvider } from '../crypto/provider.js';
import {
  AbortError,
  MtprotoError,
  ProtocolError,
  rpcErrorFrom,
  SecurityError,
  TimeoutError,
  TransportError,
} from '../errors.js';
import { readMethodResult, readObject, TL_LAYER, writeObject, type Tl, type TlMethod, type TlMethodName, type TlMethodResult, type TlObject, type TlType } from '../tl/index.js';
import type { Transport, TransportCloseInfo } from '../transport/transport.js';
import { bindTempAuthKeyCall } from '../auth/bind-temp-key.js';
import { exchangeAuthKey, type AuthKeyExchangeResult } from '../auth/handshake.js';
import { isPlainPacket } from '../auth/plain-message.js';
import { trustedRsaKeys } from '../auth/rsa-keys.js';
import { Backoff } from './backoff.js';
import {
  ACK_FLUSH_COUNT,
  CONTAINER_SOFT_BYTES,
  GZIP_MIN_BYTES,
  HANDSHAKE_ATTEMPTS,
  ID_BAD_MSG_NOTIFICATION,
  ID_BAD_SERVER_SALT,
  ID_GZIP_PACKED,
  ID_MSG_CONTAINER,
  ID_RPC_RESULT,
  MAX_CONTAINER_MESSAGES,
  MAX_GUNZIP_BYTES,
  MAX_IDS_PER_SERVICE_MESSAGE,
  MAX_SENDS,
  MSG_ID_FUTURE_SECONDS,
  MSG_ID_PAST_SECONDS,
  NO_GZIP_METHODS,
  SERVICE_METHODS,
  UPDATES_CONSTRUCTORS,
} from './constants.js';
import { Emitter } from './emitter.js';
import { HandshakeChannel } from './handshake-channel.js';
import { MessageCipher } from './message-cipher.js';
import { MessageIdGenerator, msgIdSeconds } from './msg-id.js';
import { PendingRequest } from './pending-request.js';
import { PlaintextWriter } from './plaintext-writer.js';
import { RandomPool } from './random-pool.js';
import { ReceivedIds } from './received-ids.js';
import type { AuthKeyState, InvokeOptions, Logger, SessionEvents, SessionOptions, SessionState } from './types.js';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Replace a temporary key this long before it expires. */
const TEMP_KEY_MARGIN_SECONDS = 60;
/** Settles an interrupted bind call without reporting it. */
const BINDING_INTERRUPTED = new TransportError('BINDING_INTERRUPTED', 'the connection closed during auth.bindTempAuthKey');

interface TemporaryKey {
  authKey: Uint8Array;
  authKeyId: bigint;
  serverSalt: bigint;
  /** Server unix time. */
  expiresAt: number;
  bound: boolean;
}

/** Transport error codes after which reconnecting cannot help. */
const FATAL_TRANSPORT_CODES = new Set([-404, -403, -444]);

export class MtprotoSession {
  private readonly options: SessionOptions;
  private readonly crypto: CryptoProvider;
  private readonly logger: Logger;
  private readonly events: Emitter<SessionEvents>;
  private readonly msgIds: MessageIdGenerator;
  private readonly received = new ReceivedIds();
  private readonly plaintext = new PlaintextWriter();
  private readonly randomPool: RandomPool;
  private readonly fillRandom = (target: Uint8Array): Uint8Array => this.randomPool.fill(target);
  private readonly backoff: Backoff;
  private readonly requestTimeoutMs: number;
  private readonly pingIntervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly ackDelayMs: number;

  private currentState: SessionState = 'idle';
  private key: AuthKeyState | undefined;
  private cipher: MessageCipher | undefined;
  private sessionId: bigint;
  /** Content-related messages sent in this session (seq_no = 2·n (+1)). */
  private contentCount = 0;
  /** True once this process has a trustworthy server clock (handshake, bad_msg 16/17, first packet). */
  private clockSynced = false;
  /** True once a call wrapped in invokeWithLayer(initConnection) was answered (spec §9.1). */
  private initDone = false;

  private transport: Transport | undefined;
  /** Bumped for each transport: callbacks of older transports are ignored. */
  private epoch = 0;
  private handshake: HandshakeChannel | undefined;
  private connecting: Promise<void> | undefined;

  private requestOrder = 0;
  /** Requests waiting to go on the wire, in invoke order. */
  private queue: PendingRequest[] = [];
  /** Every msg_id of every unsettled request that went on the wire. */
  private readonly sent = new Map<bigint, PendingRequest>();
  /** Our recent containers: container msg_id -> inner msg_ids (bad_msg_notification may name a container). */
  private readonly containers = new Map<bigint, bigint[]>();
  /** Server msg_ids to acknowledge. */
  private acks: bigint[] = [];
  /** Service messages (not content-related) to send with the next packet. */
  private service: TlObject[] = [];
  private flushScheduled = false;
  private flushing = false;

  /** PFS: the temporary key carrying the traffic (never persisted). */
  private temp: TemporaryKey | undefined;
  /** The auth.bindTempAuthKey call in flight. */
  private binding: PendingRequest | undefined;
  /** While binding, the queue is held back (only priority requests go out). */
  private holdQueue = false;
  private tempRefreshTimer: ReturnType<typeof setTimeout> | undefined;

  private ackTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private deadTimer: ReturnType<typeof setTimeout> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionOptions) {
    this.options = options;
    this.crypto = options.crypto;
    this.randomPool = new RandomPool(options.crypto);
    this.logger = options.logger ?? silentLogger;
    this.events = new Emitter<SessionEvents>((event, error) => this.logger.error(`a '${event}' listener threw`, { error }));
    this.requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 60_000;
    this.pongTimeoutMs = options.pongTimeoutMs ?? 15_000;
    this.ackDelayMs = options.ackDelayMs ?? 1_000;
    this.backoff = new Backoff(500, options.reconnect === false ? 0 : (options.reconnect?.maxDelayMs ?? 30_000));
    this.msgIds = new MessageIdGenerator(options.authKey?.timeOffset ?? 0);
    this.sessionId = this.randomLong();
    if (options.authKey) this.useKey({ ...options.authKey });
  }

  /** The current key, salt and clock offset (a copy): persist it to skip the exchange next time. */
  get authKey(): AuthKeyState | undefined {
    return this.key && { ...this.key };
  }

  get state(): SessionState {
    return this.currentState;
  }

  on<K extends keyof SessionEvents>(event: K, fn: SessionEvents[K]): () => void {
    return this.events.on(event, fn);
  }

  /** Opens the transport and makes sure an auth key exists. One attempt: a failure rejects. */
  connect(options?: { signal?: AbortSignal }): Promise<void> {
    if (this.currentState === 'closed') return Promise.reject(closedError());
    if (this.currentState === 'connected') return Promise.resolve();
    if (this.connecting) return this.connecting;
    if (this.currentState === 'reconnecting') return this.whenConnected(options?.signal);
    this.setState('connecting');
    const attempt = this.establish(options?.signal).then(
      () => {
        this.connecting = undefined;
        this.onConnected();
      },
      (error: unknown) => {
        this.connecting = undefined;
        if (this.currentState === 'connecting') this.currentState = 'idle';
        throw error;
      },
    );
    this.connecting = attempt;
    return attempt;
  }

  /** Resolves on the next 'connected', rejects on 'closed' or abort. */
  private whenConnected(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => done(() => reject(new AbortError('connect aborted', { cause: signal?.reason })));
      const unsubscribe = this.events.on('state', (state) => {
        if (state === 'connected') done(resolve);
        else if (state === 'closed') done(() => reject(closedError()));
      });
      const done = (settle: () => void) => {
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Calls `method` and resolves with its typed result. The type is inferred from the method object
   * (`invoke({ _: 'help.getConfig' })` gives `Promise<TlType<'Config'>>`), or named explicitly
   * (`invoke<'help.getConfig'>(...)`). Rejects with RpcError (FloodWaitError for *_WAIT_X),
   * TimeoutError, AbortError, TransportError (session closed, -404) or ProtocolError.
   */
  invoke<M extends TlMethod>(method: M, options?: InvokeOptions): Promise<TlMethodResult<M['_']>>;
  invoke<N extends TlMethodName>(method: Tl<N>, options?: InvokeOptions): Promise<TlMethodResult<N>>;
  invoke(method: TlMethod, options?: InvokeOptions): Promise<unknown> {
    if (this.currentState === 'closed') return Promise.reject(closedError());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(`${method._} aborted`, { cause: signal.reason }));
    return new Promise<unknown>((resolve, reject) => {
      const request = new PendingRequest(method, this.requestOrder++, resolve, reject);
      const timeoutMs = options?.timeoutMs ?? this.requestTimeoutMs;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => this.abandon(request, new TimeoutError(`${request.name} got no answer within ${timeoutMs} ms`)), timeoutMs)
          : undefined;
      const onAbort = () => this.abandon(request, new AbortError(`${request.name} aborted`, { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.setCleanup(() => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
      this.queue.push(request);
      if (this.currentState === 'idle') {
        // invoke() before connect(): connect now, and fail what waits if that fails.
        this.connect().catch((error: unknown) => this.failQueued(error));
      }
      this.scheduleFlush();
    });
  }

  /** Sends pending acks, closes the transport and fails every unanswered request. */
  async close(): Promise<void> {
    if (this.currentState === 'closed') return;
    const transport = this.transport;
    if (transport && this.currentState === 'connected' && this.acks.length > 0) {
      // Best effort: the server should not resend what we already processed.
      await this.sendPacket([], true).catch(() => {});
    }
    this.shutdown(closedError());
    await transport?.close().catch(() => {});
  }

  // ---------------------------------------------------------------- connection life cycle

  private async establish(signal: AbortSignal | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const transport = await this.openTransport(signal);
      if (this.cipher && !this.needsTemporaryKey()) return this.checkStillOpen(transport);
      try {
        if (!this.key) await this.createPermanentKey(transport, signal);
        if (this.needsTemporaryKey()) await this.createTemporaryKey(transport, signal);
        return this.checkStillOpen(transport);
      } catch (error) {
        this.handshake = undefined;
        this.discardTransport();
        await transport.close().catch(() => {});
        const retry = attempt < HANDSHAKE_ATTEMPTS && isRetryableHandshakeError(error) && !signal?.aborted;
        this.logger.warn(`auth-key exchange failed${retry ? ', retrying on a new connection' : ''}`, { error, attempt });
        if (!retry) throw error;
      }
    }
  }

  /** The transport may have closed between its connect() and now. */
  private checkStillOpen(transport: Transport): void {
    if (this.transport !== transport) throw new TransportError('TRANSPORT_CLOSED', 'the connection closed while it was being set up');
  }

  private async openTransport(signal: AbortSignal | undefined): Promise<Transport> {
    if (this.currentState === 'closed') throw closedError();
    const epoch = ++this.epoch;
    const transport = this.options.transport.create(this.options.target, {
      packet: (data) => {
        if (epoch === this.epoch) this.onPacket(data);
      },
      quickAck: () => {},
      transportError: (error) => {
        if (epoch === this.epoch) this.onTransportError(error);
      },
      close: (info) => {
        if (epoch === this.epoch) this.onTransportClose(info);
      },
    });
    this.transport = transport;
    try {
      await transport.connect({ signal });
    } catch (error) {
      if (epoch === this.epoch) this.discardTransport();
      throw error;
    }
    // close() or a newer attempt may have run while connect() was pending.
    if (epoch !== this.epoch) {
      await transport.close().catch(() => {});
      throw closedError();
    }
    return transport;
  }

  /** The auth-key exchange on `transport` (unencrypted messages). */
  private async runExchange(transport: Transport, signal: AbortSignal | undefined, expiresIn?: number): Promise<AuthKeyExchangeResult> {
    const channel = new HandshakeChannel(transport, this.options.handshakeTimeoutMs ?? 15_000, signal);
    this.handshake = channel;
    const { target } = this.options;
    const result = await exchangeAuthKey({
      crypto: this.crypto,
      channel,
      msgIds: this.msgIds,
      rsaKeys: trustedRsaKeys(this.crypto, this.options.rsaKeys),
      dcId: target.dcId,
      test: target.test,
      media: target.media,
      ...(expiresIn === undefined ? {} : { expiresIn }),
    });
    this.handshake = undefined;
    this.clockSynced = true;
    return result;
  }

  private async createPermanentKey(transport: Transport, signal: AbortSignal | undefined): Promise<void> {
    const started = Date.now();
    const result = await this.runExchange(transport, signal);
    this.initDone = false;
    this.useKey({ authKey: result.authKey, authKeyId: result.authKeyId, serverSalt: result.serverSalt, timeOffset: result.timeOffset });
    this.logger.info('auth key created', { authKeyId: hexId(result.authKeyId), dcId: this.options.target.dcId, ms: Date.now() - started });
    this.emitKey();
  }

  /** PFS: a temporary key is needed when there is none or it expires within a minute. */
  private needsTemporaryKey(): boolean {
    if (!this.options.pfs) return false;
    return !this.temp || this.temp.expiresAt - this.msgIds.serverNow() < TEMP_KEY_MARGIN_SECONDS;
  }

  /** PFS (spec §6.8): a temporary key for this connection's traffic, bound once connected. */
  private async createTemporaryKey(transport: Transport, signal: AbortSignal | undefined): Promise<void> {
    const expiresIn = this.options.pfs!.expiresIn;
    const result = await this.runExchange(transport, signal, expiresIn);
    this.temp = {
      authKey: result.authKey,
      authKeyId: result.authKeyId,
      serverSalt: result.serverSalt,
      expiresAt: result.expiresAt ?? Math.floor(this.msgIds.serverNow()) + expiresIn,
      bound: false,
    };
    this.cipher = new MessageCipher(result.authKey, this.crypto);
    // The server sees a new key: start a fresh session on it.
    this.sessionId = this.randomLong();
    this.contentCount = 0;
    this.received.clear();
    this.acks = [];
    this.containers.clear();
    this.logger.info('temporary auth key created', { authKeyId: hexId(result.authKeyId), expiresAt: this.temp.expiresAt });
  }

  /**
   * Sends auth.bindTempAuthKey ahead of everything else; other calls wait until it is answered.
   * Its msg_id is only known when it is written, hence `prepare`.
   */
  private startBinding(): void {
    const temp = this.temp;
    const key = this.key;
    if (!temp || temp.bound || !key || this.binding) return;
    this.holdQueue = true;
    const onBound = (value: unknown) => {
      this.binding = undefined;
      if (value !== true) {
        onFailed(new ProtocolError('BIND_TEMP_AUTH_KEY_FAILED', `auth.bindTempAuthKey answered ${String(value)}`));
        return;
      }
      if (this.temp !== temp) return;
      temp.bound = true;
      this.holdQueue = false;
      this.initDone = false; // initConnection again after binding (spec §6.8)
      this.logger.info('temporary auth key bound', { authKeyId: hexId(temp.authKeyId) });
      this.armTempRefresh(temp);
      this.scheduleFlush();
    };
    const onFailed = (error: unknown) => {
      this.binding = undefined;
      if (error === BINDING_INTERRUPTED || this.currentState === 'closed' || this.temp !== temp) return;
      const failure = new ProtocolError('BIND_TEMP_AUTH_KEY_FAILED', `auth.bindTempAuthKey failed: ${(error as Error).message}`, { cause: error });
      this.logger.error('could not bind the temporary auth key', { error: failure });
      this.events.emit('error', failure);
      const transport = this.transport;
      this.shutdown(failure);
      void transport?.close().catch(() => {});
    };
    const request = new PendingRequest({ _: 'auth.bindTempAuthKey' } as TlMethod, -1, onBound, onFailed);
    request.priority = true;
    request.bare = true;
    request.prepare = (msgId) =>
      bindTempAuthKeyCall(this.crypto, {
        permAuthKey: key.authKey,
        tempAuthKeyId: temp.authKeyId,
        tempSessionId: this.sessionId,
        expiresAt: temp.expiresAt,
        msgId,
      });
    const timer = setTimeout(() => this.abandon(request, new TimeoutError('auth.bindTempAuthKey got no answer')), this.requestTimeoutMs || 60_000);
    request.setCleanup(() => clearTimeout(timer));
    this.binding = request;
    this.queue.unshift(request);
    this.scheduleFlush();
  }

  /** Replaces the temporary key shortly before it expires (on a new connection). */
  private armTempRefresh(temp: TemporaryKey): void {
    clearTimeout(this.tempRefreshTimer);
    const seconds = temp.expiresAt - this.msgIds.serverNow() - TEMP_KEY_MARGIN_SECONDS;
    this.tempRefreshTimer = unref(
      setTimeout(
        () => {
          if (this.temp !== temp || this.currentState !== 'connected') return;
          this.logger.info('the temporary auth key is about to expire: replacing it');
          this.temp = undefined;
          this.dropConnection(new TransportError('TEMP_KEY_EXPIRING', 'the temporary auth key is about to expire'));
        },
        Math.max(0, Math.min(seconds * 1000, 2 ** 31 - 1)),
      ),
    );
  }

  private useKey(key: AuthKeyState): void {
    const cipher = new MessageCipher(key.authKey, this.crypto);
    if (cipher.authKeyId !== key.authKeyId) {
      throw new SecurityError('SECURITY_AUTH_KEY_ID', 'the saved authKeyId does not belong to the saved authKey');
    }
    this.key = key;
    this.cipher = cipher;
    this.msgIds.timeOffset = key.timeOffset;
  }

  private onConnected(): void {
    this.setState('connected');
    this.backoff.reset();
    this.startKeepalive();
    if (this.temp && !this.temp.bound) this.startBinding();
    this.scheduleFlush();
    // A close that slipped in after establish() finished has to be handled as a drop.
    if (!this.transport) this.connectionLost(new TransportError('TRANSPORT_CLOSED', 'the connection closed right after it opened'));
  }

  private onTransportClose(info: TransportCloseInfo): void {
    const error = info.error ?? new TransportError('TRANSPORT_CLOSED', 'the transport closed');
    this.transport = undefined;
    if (this.handshake) {
      this.handshake.fail(error);
      return;
    }
    if (this.currentState === 'connected') this.connectionLost(error);
  }

  private onTransportError(error: TransportError): void {
    const code = error.transportCode ?? 0;
    if (this.handshake) {
      // During the exchange -404 means "restart the handshake"; the caller decides.
      this.handshake.fail(error);
      return;
    }
    if (code === -404 && this.temp) {
      // The server forgot the temporary key (expired, restarted): make a new one; the permanent key is fine.
      this.logger.warn('transport error -404: the temporary auth key is unknown, replacing it', { code: error.code });
      this.temp = undefined;
      this.dropConnection(error);
      return;
    }
    if (FATAL_TRANSPORT_CODES.has(code)) {
      this.logger.error(`transport error ${code}: the session cannot continue`, { error });
      this.events.emit('error', error);
      const transport = this.transport;
      this.shutdown(error);
      void transport?.close().catch(() => {});
      return;
    }
    this.logger.warn(`transport error ${code}: reconnecting`, { error });
    this.dropConnection(error);
  }

  /** Closes the current transport ourselves (dead, corrupt, flooded) and reconnects. */
  private dropConnection(error: MtprotoError): void {
    const transport = this.transport;
    this.discardTransport();
    void transport?.close().catch(() => {});
    if (this.currentState === 'connected') this.connectionLost(error);
  }

  private discardTransport(): void {
    this.epoch++;
    this.transport = undefined;
  }

  private connectionLost(error: MtprotoError): void {
    this.stopKeepalive();
    this.interruptBinding();
    if (this.options.reconnect === false) {
      this.logger.warn('connection lost; reconnecting is off', { error });
      this.shutdown(error);
      return;
    }
    this.logger.info('connection lost, reconnecting', { code: error.code, error: error.message });
    this.setState('reconnecting');
    this.requeueInFlight();
    this.scheduleReconnect();
  }

  /** A bind in flight is started again (with a new msg_id and maybe a new key) once reconnected. */
  private interruptBinding(): void {
    const binding = this.binding;
    if (!binding) return;
    this.binding = undefined;
    this.abandon(binding, BINDING_INTERRUPTED);
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.establish(undefined).then(
        () => {
          if (this.currentState === 'reconnecting') this.onConnected();
        },
        (error: unknown) => {
          if (this.currentState !== 'reconnecting') return;
          if (error instanceof TransportError && FATAL_TRANSPORT_CODES.has(error.transportCode ?? 0)) {
            this.events.emit('error', error);
            this.shutdown(error);
            return;
          }
          this.logger.warn('reconnect failed', { error, retryInMs: delay });
          this.scheduleReconnect();
        },
      );
    }, delay);
  }

  /** Ends the session for good: timers off, every request failed, state 'closed'. */
  private shutdown(error: unknown): void {
    if (this.currentState === 'closed') return;
    this.stopKeepalive();
    clearTimeout(this.ackTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.tempRefreshTimer);
    this.ackTimer = this.reconnectTimer = this.tempRefreshTimer = undefined;
    this.holdQueue = false;
    this.handshake?.fail(error instanceof MtprotoError ? error : closedError());
    this.discardTransport();
    const requests = [...this.queue, ...this.sent.values()];
    this.queue = [];
    this.sent.clear();
    this.containers.clear();
    for (const request of requests) request.reject(error);
    this.setState('closed');
    this.events.clear();
  }

  private setState(state: SessionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    if (state !== 'idle') this.events.emit('state', state);
  }

  // ---------------------------------------------------------------- keepalive

  private startKeepalive(): void {
    this.stopKeepalive();
    if (this.pingIntervalMs <= 0) return;
    this.pingTimer = unref(setInterval(() => this.ping(), this.pingIntervalMs));
  }

  private stopKeepalive(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.deadTimer);
    this.pingTimer = this.deadTimer = undefined;
  }

  /** ping_delay_disconnect: the server drops the connection if our pings stop (spec §8). */
  private ping(): void {
    if (this.currentState !== 'connected') return;
    const disconnectDelay = Math.ceil((this.pingIntervalMs + this.pongTimeoutMs) / 1000) + 5;
    this.service.push({ _: 'ping_delay_disconnect', pingId: this.randomLong(), disconnectDelay } as unknown as TlObject);
    this.scheduleFlush();
    // Any packet proves the connection alive; none before the deadline means it is dead.
    this.deadTimer ??= unref(
      setTimeout(() => {
        this.deadTimer = undefined;
        this.logger.warn(`no packet within ${this.pongTimeoutMs} ms of a ping: the connection is dead`);
        this.dropConnection(new TransportError('TRANSPORT_DEAD', `no answer to a ping within ${this.pongTimeoutMs} ms`));
      }, this.pongTimeoutMs),
    );
  }

  // ---------------------------------------------------------------- sending

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Sends everything queued, in as few packets as the container limits allow. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.currentState === 'connected' && this.transport) {
        const requests = this.holdQueue ? this.takePriority() : this.queue.splice(0, MAX_CONTAINER_MESSAGES - 2);
        const withAcks = requests.length > 0 || this.service.length > 0 || this.acks.length >= ACK_FLUSH_COUNT;
        if (!withAcks) break;
        await this.sendPacket(requests, true);
      }
    } catch (error) {
      // sendPacket already put unsent requests back; a transport failure arrives through close().
      this.logger.debug('send failed', { error });
    } finally {
      this.flushing = false;
    }
    if (this.acks.length > 0) this.armAckTimer();
  }

  /** While a temporary key is being bound, only the bind call may go out. */
  private takePriority(): PendingRequest[] {
    const priority = this.queue.filter((request) => request.priority);
    if (priority.length > 0) this.queue = this.queue.filter((request) => !request.priority);
    return priority;
  }

  /**
   * Writes one packet: service messages, acks (if `withAcks`) and as many `requests` as fit; the
   * rest go back to the front of the queue.
   */
  private async sendPacket(requests: PendingRequest[], withAcks: boolean): Promise<void> {
    const transport = this.transport;
    const cipher = this.cipher;
    const key = this.key;
    if (!transport || !cipher || !key) {
      this.requeue(requests);
      return;
    }
    const service = this.service.splice(0, MAX_CONTAINER_MESSAGES - 1);
    const acks = withAcks ? this.acks.splice(0, MAX_IDS_PER_SERVICE_MESSAGE) : [];
    if (acks.length > 0) service.push({ _: 'msgs_ack', msgIds: acks } as TlObject);
    if (this.acks.length === 0) this.clearAckTimer();

    // Respect the container cap whatever the mix of service messages and calls.
    const room = MAX_CONTAINER_MESSAGES - service.length;
    if (requests.length > room) this.requeue(requests.splice(room));
    const out = this.plaintext;
    const total = service.length + requests.length;
    if (total === 0) return;
    out.begin(this.temp?.serverSalt ?? key.serverSalt, this.sessionId, total > 1);
    const innerIds: bigint[] = [];
    let single: { msgId: bigint; seqNo: number } | undefined;

    for (const message of service) {
      const start = out.beginMessage();
      try {
        writeObject(out.writer, message);
      } catch (error) {
        out.rollback(start);
        this.logger.error('a service message failed to serialize', { error });
        continue;
      }
      const msgId = this.msgIds.next();
      const seqNo = this.nextSeqNo(false);
      out.endMessage(msgId, seqNo);
      innerIds.push(msgId);
      single = { msgId, seqNo };
    }

    let index = 0;
    for (; index < requests.length; index++) {
      if (out.messageCount > 0 && total > 1 && out.bodyLength > CONTAINER_SOFT_BYTES) break;
      const request = requests[index];
      if (request.settled) continue;
      const start = out.beginMessage();
      const msgId = this.msgIds.next();
      try {
        this.writeRequestBody(request, msgId);
      } catch (error) {
        out.rollback(start);
        request.reject(error instanceof MtprotoError ? error : new ProtocolError('SERIALIZE', `cannot serialize ${request.name}: ${String(error)}`, { cause: error }));
        continue;
      }
      const seqNo = this.nextSeqNo(true);
      out.endMessage(msgId, seqNo);
      request.msgId = msgId;
      request.msgIds.push(msgId);
      request.sends++;
      this.sent.set(msgId, request);
      innerIds.push(msgId);
      single = { msgId, seqNo };
    }
    this.requeue(requests.slice(index));

    if (out.messageCount === 0) return;
    let packetMsgId: bigint;
    let packetSeqNo: number;
    if (total > 1) {
      packetMsgId = this.msgIds.next();
      packetSeqNo = this.nextSeqNo(false);
      this.rememberContainer(packetMsgId, innerIds);
    } else {
      packetMsgId = single!.msgId;
      packetSeqNo = single!.seqNo;
    }
    for (let i = 0; i < index; i++) if (requests[i].msgId !== undefined) requests[i].packetMsgId = packetMsgId;
    const packet = cipher.encrypt(out.finish(packetMsgId, packetSeqNo, this.fillRandom), true);
    await transport.send(packet);
  }

  /** The body of a request: wrapped in invokeWithLayer(initConnection) until one wrapped call is answered; gzip_packed when that pays. */
  private writeRequestBody(request: PendingRequest, msgId: bigint): void {
    const out = this.plaintext;
    const method = request.prepare ? request.prepare(msgId) : request.method;
    const bare = request.bare || SERVICE_METHODS.has(request.name);
    request.wrapped = !bare && !this.initDone;
    writeObject(out.writer, request.wrapped ? this.wrapInit(method) : method);
    const body = out.currentBody();
    if (bare || body.length < GZIP_MIN_BYTES || NO_GZIP_METHODS.has(request.name)) return;
    const packed = this.crypto.gzip(body);
    if (packed.length + 8 > body.length * 0.9) return;
    out.rewindBody();
    out.writer.uint32(ID_GZIP_PACKED);
    out.writer.bytes(packed);
  }

  private wrapInit(query: TlMethod): TlMethod {
    const init = this.options.initConnection;
    return {
      _: 'invokeWithLayer',
      layer: TL_LAYER,
      query: {
        _: 'initConnection',
        apiId: init.apiId,
        deviceModel: init.deviceModel,
        systemVersion: init.systemVersion,
        appVersion: init.appVersion,
        systemLangCode: init.systemLangCode,
        langPack: init.langPack,
        langCode: init.langCode,
        query,
      },
    } as unknown as TlMethod;
  }

  private nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.contentCount * 2;
    return this.contentCount++ * 2 + 1;
  }

  private rememberContainer(msgId: bigint, inner: bigint[]): void {
    this.containers.set(msgId, inner);
    // Notifications about a container come within seconds; keep the last few hundred.
    if (this.containers.size > 512) this.containers.delete(this.containers.keys().next().value!);
  }

  /** Puts requests back into the queue, keeping invoke order. */
  private requeue(requests: PendingRequest[]): void {
    const live = requests.filter((request) => !request.settled);
    if (live.length === 0) return;
    for (const request of live) request.msgId = undefined;
    this.queue = [...live, ...this.queue].sort((a, b) => a.order - b.order);
  }

  /** Every sent, unanswered request goes back to the queue to be sent again with a new msg_id. */
  private requeueInFlight(): void {
    const inFlight = new Set<PendingRequest>();
    for (const request of this.sent.values()) if (request.msgId !== undefined && !request.settled) inFlight.add(request);
    this.requeue([...inFlight]);
  }

  /** Re-sends the requests behind `msgId` (or behind a container of that id) with new msg_ids. */
  private resend(msgId: bigint, reason: string): void {
    const requests = this.requestsFor(msgId);
    const again: PendingRequest[] = [];
    for (const request of requests) {
      if (request.msgId === undefined) continue; // already queued again
      if (request.sends >= MAX_SENDS) {
        this.abandon(request, new ProtocolError('RESEND_LIMIT', `${request.name} was sent ${request.sends} times without an answer (last: ${reason})`));
        continue;
      }
      again.push(request);
    }
    if (again.length === 0) return;
    this.logger.debug(`re-sending ${again.length} request(s): ${reason}`);
    this.requeue(again);
    this.scheduleFlush();
  }

  /** Unsettled requests sent as `msgId`, or inside the container `msgId`. */
  private requestsFor(msgId: bigint): PendingRequest[] {
    const direct = this.sent.get(msgId);
    if (direct) return direct.settled || direct.msgId !== msgId ? [] : [direct];
    const inner = this.containers.get(msgId);
    if (!inner) return [];
    const out: PendingRequest[] = [];
    for (const id of inner) {
      const request = this.sent.get(id);
      if (request && !request.settled && request.msgId === id) out.push(request);
    }
    return out;
  }

  /** Settles a request with an error and forgets it; a late answer is acked and dropped. */
  private abandon(request: PendingRequest, error: unknown): void {
    this.forget(request);
    request.reject(error);
  }

  private forget(request: PendingRequest): void {
    for (const id of request.msgIds) this.sent.delete(id);
    const index = this.queue.indexOf(request);
    if (index >= 0) this.queue.splice(index, 1);
  }

  private failQueued(error: unknown): void {
    const queued = this.queue;
    this.queue = [];
    for (const request of queued) request.reject(error);
  }

  private queueAck(msgId: bigint): void {
    this.acks.push(msgId);
    if (this.acks.length >= ACK_FLUSH_COUNT) this.scheduleFlush();
    else this.armAckTimer();
  }

  private armAckTimer(): void {
    if (this.ackTimer !== undefined || this.currentState !== 'connected') return;
    this.ackTimer = unref(
      setTimeout(() => {
        this.ackTimer = undefined;
        if (this.acks.length === 0 || this.currentState !== 'connected') return;
        void this.sendPacket([], true).catch((error: unknown) => this.logger.debug('ack send failed', { error }));
      }, this.ackDelayMs),
    );
  }

  private clearAckTimer(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  // ---------------------------------------------------------------- receiving

  private onPacket(packet: Uint8Array): void {
    if (isPlainPacket(packet)) {
      if (this.handshake) this.handshake.deliver(packet);
      else this.logger.warn('ignored an unencrypted packet outside the auth-key exchange');
      return;
    }
    const cipher = this.cipher;
    if (!cipher || this.handshake) return;
    let plaintext: Uint8Array;
    let bodyLength: number;
    try {
      ({ plaintext, bodyLength } = cipher.decrypt(packet));
    } catch (error) {
      // Bad length, foreign key id, msg_key mismatch or bad padding: the stream cannot be trusted.
      this.logger.warn('discarded an encrypted packet; reconnecting', { error });
      this.dropConnection(error as MtprotoError);
      return;
    }
    const view = new DataView(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength);
    const sessionId = view.getBigInt64(8, true);
    if (sessionId !== this.sessionId) {
      this.logger.warn('discarded a message for another session', { code: 'SECURITY_SESSION_ID' });
      return;
    }
    clearTimeout(this.deadTimer);
    this.deadTimer = undefined;
    const msgId = view.getBigInt64(16, true);
    const seqNo = view.getInt32(24, true);
    this.receiveMessage(msgId, seqNo, new TlReader(plaintext, 32, 32 + bodyLength), false);
  }

  /** Checks a server message's msg_id (spec §7.6 steps 7-8), acks it if needed, and dispatches it. */
  private receiveMessage(msgId: bigint, seqNo: number, reader: TlReader, inner: boolean): void {
    if ((msgId & 1n) === 0n) {
      this.logger.warn('discarded a message with an even msg_id', { code: 'SECURITY_MSG_ID_PARITY', msgId });
      return;
    }
    const verdict = this.received.check(msgId);
    if (verdict !== 'new') {
      // Never processed twice; a repeat of a content-related message is acked again, since the
      // server repeats what it believes unacknowledged (our ack may have died with a connection).
      if (verdict === 'duplicate' && (seqNo & 1) === 1) this.queueAck(msgId);
      this.logger.warn(`discarded a ${verdict === 'duplicate' ? 'repeated' : 'too old'} msg_id`, { code: 'SECURITY_MSG_ID_REPLAY', msgId });
      return;
    }
    const constructorId = reader.remaining >= 4 ? reader.peekUint32() : 0;
    // bad_server_salt / bad_msg_notification exist to fix our clock: they skip the time window.
    const exempt = constructorId === ID_BAD_SERVER_SALT || constructorId === ID_BAD_MSG_NOTIFICATION || constructorId === ID_MSG_CONTAINER;
    if (!exempt && !this.inTimeWindow(msgId)) {
      this.logger.warn('discarded a message outside the msg_id time window', { code: 'SECURITY_MSG_ID_WINDOW', msgId });
      return;
    }
    this.received.add(msgId);
    if (!this.clockSynced && !exempt) {
      this.msgIds.syncFromServerMsgId(msgId);
      this.clockSynced = true;
    }
    if ((seqNo & 1) === 1) this.queueAck(msgId);
    try {
      this.dispatch(constructorId, msgId, reader, inner);
    } catch (error) {
      // A message we cannot decode (e.g. a constructor from another layer) is skipped, not fatal.
      this.logger.warn('could not process a server message', { error, msgId });
    }
  }

  private inTimeWindow(msgId: bigint): boolean {
    if (!this.clockSynced) return true;
    const now = this.msgIds.serverNow();
    const seconds = msgIdSeconds(msgId);
    return seconds >= now - MSG_ID_PAST_SECONDS && seconds <= now + MSG_ID_FUTURE_SECONDS;
  }

  private dispatch(constructorId: number, msgId: bigint, reader: TlReader, inner: boolean): void {
    switch (constructorId) {
      case ID_MSG_CONTAINER:
        if (inner) throw new ProtocolError('NESTED_CONTAINER', 'a container inside a container');
        this.receiveContainer(reader);
        return;
      case ID_RPC_RESULT:
        reader.uint32();
        this.receiveRpcResult(reader);
        return;
      case ID_GZIP_PACKED: {
        reader.uint32();
        const unpacked = this.crypto.gunzip(reader.bytesView(), MAX_GUNZIP_BYTES);
        const unpackedReader = new TlReader(unpacked);
        this.dispatch(unpackedReader.peekUint32(), msgId, unpackedReader, inner);
        return;
      }
      default:
        this.receiveObject(readObject(reader) as TlObject, msgId);
    }
  }

  private receiveContainer(reader: TlReader): void {
    reader.uint32();
    const count = reader.int32();
    if (count < 0 || count > 1024 || count * 16 > reader.remaining) reader.fail(`invalid container size ${count}`);
    for (let i = 0; i < count; i++) {
      const msgId = reader.int64();
      const seqNo = reader.int32();
      const length = reader.int32();
      if (length < 0 || length % 4 !== 0 || length > reader.remaining) reader.fail(`invalid container message length ${length}`);
      const start = reader.position;
      reader.position += length;
      this.receiveMessage(msgId, seqNo, new TlReader(reader.buffer, start, start + length), true);
    }
  }

  private receiveRpcResult(reader: TlReader): void {
    const reqMsgId = reader.int64();
    const request = this.sent.get(reqMsgId);
    if (!request || request.settled) {
      this.logger.debug('an answer to a request nobody waits for', { reqMsgId });
      return;
    }
    this.forget(request);
    let result: unknown;
    try {
      result = readMethodResult(reader, request.name, (packed) => this.crypto.gunzip(packed, MAX_GUNZIP_BYTES));
    } catch (error) {
      request.reject(error);
      return;
    }
    if (isObject(result) && result._ === 'rpc_error') {
      const rpcError = result as Tl<'rpc_error'>;
      if (rpcError.errorMessage === 'AUTH_KEY_PERM_EMPTY' && this.temp && request.name !== 'auth.bindTempAuthKey') {
        // The binding is gone: bind a new temporary key and send the call again.
        this.logger.warn('AUTH_KEY_PERM_EMPTY: the temporary key is not bound; replacing it');
        this.temp = undefined;
        this.requeue([request]);
        this.dropConnection(new TransportError('TEMP_KEY_UNBOUND', 'the temporary auth key is not bound'));
        return;
      }
      request.reject(rpcErrorFrom(rpcError.errorCode, rpcError.errorMessage, request.name));
      return;
    }
    // Whichever send this answers, it was wrapped if the latest one was: initDone only ever flips once.
    if (request.wrapped) this.initDone = true;
    request.resolve(result);
  }

  private receiveObject(object: TlObject, msgId: bigint): void {
    if (UPDATES_CONSTRUCTORS.has(object._)) {
      this.events.emit('updates', object as TlType<'Updates'>);
      return;
    }
    switch (object._) {
      case 'msgs_ack':
        for (const id of object.msgIds) {
          const request = this.sent.get(id);
          if (request) request.acked = true;
        }
        return;
      case 'bad_server_salt':
        this.logger.debug('bad_server_salt: adopting the new salt');
        this.setSalt(object.newServerSalt);
        this.resend(object.badMsgId, 'bad_server_salt');
        return;
      case 'bad_msg_notification':
        this.receiveBadMsg(object, msgId);
        return;
      case 'new_session_created':
        this.receiveNewSession(object);
        return;
      case 'msg_detailed_info':
      case 'msg_new_detailed_info': {
        if (object._ === 'msg_detailed_info') {
          const request = this.sent.get(object.msgId);
          if (request) request.acked = true;
        }
        if (this.received.has(object.answerMsgId)) this.queueAck(object.answerMsgId);
        else this.sendService({ _: 'msg_resend_req', msgIds: [object.answerMsgId] } as TlObject);
        return;
      }
      case 'msgs_state_req':
        this.sendService({ _: 'msgs_state_info', reqMsgId: msgId, info: this.stateInfo(object.msgIds) } as TlObject);
        return;
      case 'msg_resend_req':
        for (const id of object.msgIds) this.resend(id, 'msg_resend_req');
        return;
      case 'future_salts':
        this.receiveFutureSalts(object);
        this.answerServiceRequest(object.reqMsgId, object);
        return;
      case 'pong':
        this.answerServiceRequest(object.msgId, object);
        return;
      case 'msgs_state_info':
        this.answerServiceRequest(object.reqMsgId, object);
        return;
      case 'destroy_session_ok':
      case 'destroy_session_none':
        this.answerFirst((request) => request.name === 'destroy_session' && (request.method as Tl<'destroy_session'>).sessionId === object.sessionId, object);
        return;
      case 'destroy_auth_key_ok':
      case 'destroy_auth_key_none':
      case 'destroy_auth_key_fail':
        this.answerFirst((request) => request.name === 'destroy_auth_key', object);
        return;
      default:
        this.logger.debug(`ignored a server message: ${object._}`);
    }
  }

  /** bad_msg_notification reactions (spec §8.1). */
  private receiveBadMsg(notification: Tl<'bad_msg_notification'>, msgId: bigint): void {
    const code = notification.errorCode;
    switch (code) {
      case 16:
      case 17: {
        // The notification's own msg_id carries the server clock.
        this.msgIds.syncFromServerMsgId(msgId);
        this.clockSynced = true;
        if (this.key) this.key.timeOffset = this.msgIds.timeOffset;
        this.emitKey();
        this.logger.info(`bad_msg_notification ${code}: clock resynced`, { timeOffset: this.msgIds.timeOffset });
        if (code === 17) {
          // Our msg_ids ran ahead of the server: only a new session lets them go back down.
          this.resetSession('msg_id too high');
          return;
        }
        this.resend(notification.badMsgId, `bad_msg_notification ${code}`);
        return;
      }
      case 32:
      case 33:
        this.resetSession(`seq_no too ${code === 32 ? 'low' : 'high'}`);
        return;
      case 20:
      case 48:
        this.resend(notification.badMsgId, `bad_msg_notification ${code}`);
        return;
      default: {
        const error = new ProtocolError(`BAD_MSG_${code}`, `the server rejected the message: ${describeBadMsg(code)} (bad_msg_notification ${code})`);
        const requests = this.requestsFor(notification.badMsgId);
        if (requests.length === 0) this.logger.error('bad_msg_notification for a service message', { code });
        for (const request of requests) this.abandon(request, error);
      }
    }
  }

  private receiveNewSession(created: Tl<'new_session_created'>): void {
    this.logger.info('the server created a new session');
    this.setSalt(created.serverSalt);
    // Requests sent before first_msg_id belonged to the forgotten session: they get no answer.
    // first_msg_id may name a container, whose inner ids are lower: compare packet ids too.
    for (const request of new Set(this.sent.values())) {
      const { msgId, packetMsgId } = request;
      if (msgId !== undefined && msgId < created.firstMsgId && (packetMsgId ?? msgId) < created.firstMsgId) {
        this.resend(msgId, 'new_session_created');
      }
    }
    this.events.emit('newSession');
  }

  private receiveFutureSalts(salts: Tl<'future_salts'>): void {
    const now = salts.now;
    const current = salts.salts.find((salt) => salt.validSince <= now && now < salt.validUntil);
    if (current) this.setSalt(current.salt);
  }

  /** A service method invoked by the application (ping, get_future_salts...) is answered outside rpc_result. */
  private answerServiceRequest(msgId: bigint, answer: TlObject): void {
    const request = this.sent.get(msgId);
    if (!request || request.settled) return;
    this.forget(request);
    request.resolve(answer);
  }

  private answerFirst(match: (request: PendingRequest) => boolean, answer: TlObject): void {
    for (const request of this.sent.values()) {
      if (!request.settled && match(request)) {
        this.forget(request);
        request.resolve(answer);
        return;
      }
    }
  }

  /** msgs_state_info bytes for the server's msgs_state_req (spec §8 table). */
  private stateInfo(ids: bigint[]): Uint8Array {
    const info = new Uint8Array(ids.length);
    const lowest = this.received.lowest;
    const highest = this.received.highest;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (this.received.has(id)) info[i] = this.acks.includes(id) ? 4 : 4 | 8;
      else if (highest !== undefined && id > highest) info[i] = 3;
      else if (lowest !== undefined && id < lowest) info[i] = 1;
      else info[i] = 2;
    }
    return info;
  }

  private sendService(message: TlObject): void {
    this.service.push(message);
    this.scheduleFlush();
  }

  /** Starts a new session id (after a clock jump forward or a seq_no mismatch) and re-sends everything. */
  private resetSession(reason: string): void {
    this.logger.info(`starting a new session: ${reason}`);
    this.sessionId = this.randomLong();
    this.contentCount = 0;
    this.msgIds.reset();
    this.received.clear();
    this.acks = [];
    this.containers.clear();
    this.requeueInFlight();
    this.scheduleFlush();
  }

  private setSalt(salt: bigint): void {
    if (this.temp) {
      // The temporary key's salt is not worth persisting.
      this.temp.serverSalt = salt;
      return;
    }
    if (!this.key || this.key.serverSalt === salt) return;
    this.key.serverSalt = salt;
    this.emitKey();
  }

  private emitKey(): void {
    if (this.key) this.events.emit('authKey', { ...this.key });
  }

  private randomLong(): bigint {
    const bytes = this.crypto.randomBytes(8);
    return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true);
  }
}

function closedError(): TransportError {
  return new TransportError('SESSION_CLOSED', 'the session is closed');
}

function isRetryableHandshakeError(error: unknown): boolean {
  if (error instanceof SecurityError) return error.code !== 'SECURITY_UNKNOWN_FINGERPRINT';
  if (error instanceof TransportError) return !FATAL_TRANSPORT_CODES.has(error.transportCode ?? 0) || error.transportCode === -404;
  if (error instanceof TimeoutError) return true;
  return error instanceof ProtocolError;
}

function describeBadMsg(code: number): string {
  switch (code) {
    case 18:
      return 'msg_id not divisible by 4';
    case 19:
      return 'container msg_id reused';
    case 34:
      return 'odd seq_no for a message that is not content-related';
    case 35:
      return 'even seq_no for a content-related message';
    case 64:
      return 'invalid container';
    default:
      return 'unknown error code';
  }
}

function isObject(value: unknown): value is { _: string } {
  return typeof value === 'object' && value !== null && '_' in value;
}

function hexId(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

/** Keepalive timers must not keep a Node process alive on their own. */
function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
