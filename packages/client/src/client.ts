/**
 * The thin client: one object that connects to Telegram over TCP or WebSocket, logs a bot in,
 * follows DC migrations, keeps the update stream complete, and sends messages.
 *
 *   const client = new Client(apiId, apiHash, { botToken, webSocket: true });
 *   client.on('message', (m) => m.reply(`You said: ${m.text}`));
 *   await client.connect();
 *   await client.idle();
 */
import {
  FloodWaitError,
  MtprotoError,
  RpcError,
  TransportError,
  defaultCryptoProvider,
  type AuthKeyState,
  type CryptoProvider,
  type RsaPublicKey,
  type Tl,
  type TlMethod,
  type TlType,
} from '@x/mtproto-core';
import { DcConnection, type ConnectionState } from './dc-connection.js';
import { isPemText, type DcsOverride } from './dc/override.js';
import { DcTargets } from './dc/targets.js';
import { createConsoleLogger, RedactingLogger, type Logger } from './logger.js';
import { Message, type SendMessageOptions } from './message.js';
import type { ClientOptions } from './options.js';
import { markedId, peerKeyOf } from './peers/marked-id.js';
import { PeerCache } from './peers/peer-cache.js';
import { PeerResolver, type ChatLike } from './peers/resolver.js';
import { LocalStorageSessionStorage, hasLocalStorage } from './storage/local-storage.js';
import { MemorySessionStorage } from './storage/memory.js';
import { emptySession, type SessionData } from './storage/session-data.js';
import { SessionStorageError } from './storage/errors.js';
import type { SessionStorage } from './storage/storage.js';
import type { TransportCandidate, TransportKind } from './transport/candidates.js';
import { TransportLoader } from './transport/loader.js';
import { expandSentMessage } from './updates/normalize.js';
import { UpdatesManager, type UpdateEntities } from './updates/manager.js';
import { initConnectionParams } from './init-connection.js';
import { planCandidates } from './transport/plan.js';
import { findSentMessage, isUpdates } from './updates/sent-message.js';
import { sleep } from './util/abort.js';
import type { ResultOf } from './util/method.js';
import { Emitter } from './util/emitter.js';
import { RecentKeys } from './util/recent-keys.js';
import { importRsaPublicKeyPem } from './util/rsa.js';

/** What `on('connection')` reports. */
export interface ConnectionEvent {
  state: ConnectionState;
  dcId: number;
  /** True for the home DC (the one updates come from). */
  home: boolean;
  /** `tcp`, `websocket` or a custom factory's kind; undefined before a transport is chosen. */
  transport: string | undefined;
  /** URL or host:port in use. */
  address: string | undefined;
}

export interface ClientEvents {
  [name: string]: unknown[];
  /** A new incoming message (not our own), once. */
  message: [Message];
  /** Every update, in order, once (short forms expanded), with the users/chats that came with it. */
  update: [TlType<'Update'>, UpdateEntities];
  connection: [ConnectionEvent];
  /** A listener threw: the client goes on. */
  error: [Error];
}

export interface InvokeOptions {
  /** Run the call on this DC (authorization is exported there first). Default: the home DC. */
  dcId?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A snapshot of where the client is connected. */
export interface ConnectionInfo {
  dcId: number;
  transport: string | undefined;
  address: string | undefined;
  /** Whether this run created the home DC's auth key or reused the stored one. */
  authKey: 'created' | 'reused';
  /** How long the last call on the home DC took (`ping()` measures a fresh one). */
  roundTripMs: number | undefined;
}

type ClientStatus = 'new' | 'connecting' | 'connected' | 'stopping' | 'stopped';

const DEFAULT_DC = 2;
const DEFAULT_FLOOD_SLEEP_THRESHOLD = 60;
const DEFAULT_AUTO_FALLBACK_MS = 5000;
const MAX_CALL_ATTEMPTS = 6;
const SAVE_DELAY_MS = 250;
const DEFAULT_STOP_GRACE_MS = 2000;

export class Client {
  readonly apiId: number;
  private readonly apiHash: string;
  protected readonly options: Readonly<ClientOptions>;
  private readonly logger: RedactingLogger;
  private readonly events: Emitter<ClientEvents>;
  private readonly crypto: CryptoProvider = defaultCryptoProvider;
  private readonly connections = new Map<number, DcConnection>();
  private readonly authorizing = new Map<number, Promise<void>>();
  private readonly seenMessages = new RecentKeys(5000);
  private readonly stopController = new AbortController();
  private status: ClientStatus = 'new';
  private storage: SessionStorage | undefined;
  private data: SessionData | undefined;
  private dcTargets: DcTargets | undefined;
  private loader: TransportLoader | undefined;
  private rsaKeys: RsaPublicKey[] = [];
  private homeDcId: number | undefined;
  private peers = new PeerCache();
  private resolver: PeerResolver;
  private updates: UpdatesManager | undefined;
  private self: Tl<'user'> | undefined;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private idleWaiters: Array<() => void> = [];
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  private relogging: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(apiId: number, apiHash: string, options: ClientOptions = {}) {
    if (!Number.isInteger(apiId) || apiId <= 0) throw new TypeError('apiId must be a positive integer (from my.telegram.org)');
    if (typeof apiHash !== 'string' || apiHash.length === 0) throw new TypeError('apiHash must be a non-empty string');
    if (options.botToken !== undefined && !/^\d+:[\w-]+$/.test(options.botToken)) {
      throw new TypeError('botToken must look like 123456:ABC-DEF (from @BotFather)');
    }
    this.apiId = apiId;
    this.apiHash = apiHash;
    this.options = { ...options };
    this.logger = new RedactingLogger(options.logger ?? createConsoleLogger('debug'), options.logLevel ?? 'warn');
    this.logger.addSecret(options.botToken);
    this.logger.addSecret(apiHash);
    this.events = new Emitter<ClientEvents>((event, error) => {
      this.logger.error(`a '${event}' listener threw`, { error });
      if (event !== 'error') this.events.emit('error', error instanceof Error ? error : new Error(String(error)));
    });
    this.resolver = this.createResolver();
  }

  // ---------------------------------------------------------------- state

  /** The home DC id, once connected. */
  get dcId(): number | undefined {
    return this.homeDcId;
  }

  /** The transport kind carrying the home DC (`tcp` or `websocket`), once connected. */
  get transport(): string | undefined {
    return this.home()?.kind;
  }

  get connected(): boolean {
    return this.status === 'connected';
  }

  /** The logged-in account, once known. */
  get me(): Tl<'user'> | undefined {
    return this.self;
  }

  connectionInfo(): ConnectionInfo | undefined {
    const home = this.home();
    if (!home || this.homeDcId === undefined) return undefined;
    return {
      dcId: this.homeDcId,
      transport: home.kind,
      address: home.description,
      authKey: home.authKeyCreated ? 'created' : 'reused',
      roundTripMs: home.lastRoundTripMs,
    };
  }

  on<E extends keyof ClientEvents & string>(event: E, listener: (...args: ClientEvents[E]) => unknown): () => void {
    return this.events.on(event, listener);
  }

  /** Same as `on('message', handler)`. */
  onNewMessage(handler: (message: Message) => unknown): () => void {
    return this.events.on('message', handler);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Connects to `dcId` (0: the session's home DC, else the default), logs the bot in when a token
   * was given and the session is not logged in yet, and starts receiving updates.
   */
  async connect(dcId = 0): Promise<void> {
    if (this.status === 'connected' || this.status === 'connecting') throw new MtprotoError('CLIENT_STATE', 'already connected');
    if (this.status === 'stopping' || this.status === 'stopped') throw new MtprotoError('CLIENT_STATE', 'this client was stopped; create a new one');
    this.status = 'connecting';
    try {
      await this.prepare();
      const data = this.data!;
      const target = dcId || data.homeDcId || this.defaultDcId();
      this.homeDcId = target;
      await this.connection(target).connect(this.stopController.signal);
      if (data.homeDcId !== target) {
        data.homeDcId = target;
        this.saveSoon();
      }
      if (this.options.botToken && !data.dcs.get(target)?.authorized) {
        await this.loginBot();
      } else if (data.dcs.get(this.homeDcId)?.authorized) {
        await this.getMe();
      }
      void this.refreshDcTable();
      if (this.isAuthorized()) await this.updatesManager().start();
      this.status = 'connected';
      await this.saveNow();
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /**
   * Stops cleanly: stops update processing, lets each session flush its pending acks and close its
   * transport, saves the session, and resolves `idle()`. Safe to call more than once.
   */
  async stop(): Promise<void> {
    if (this.status === 'stopped') return;
    if (this.status === 'stopping') {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      return;
    }
    await this.shutdown();
  }

  /** Resolves when the client stops; keeps the process alive meanwhile. */
  idle(): Promise<void> {
    if (this.status === 'stopped') return Promise.resolve();
    this.keepAlive ??= setInterval(() => {}, 1 << 30);
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async shutdown(): Promise<void> {
    const wasConnected = this.status === 'connected';
    this.status = 'stopping';
    this.updates?.stop();
    // Calls already on their way (a handler's reply, say) get a short grace to finish.
    if (wasConnected && this.inFlight.size > 0) {
      const grace = sleep(this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS).catch(() => {});
      await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
    }
    this.stopController.abort(new MtprotoError('CLIENT_STOPPED', 'the client is stopping'));
    await Promise.all([...this.connections.values()].map((connection) => connection.close().catch(() => {})));
    if (this.data) await this.saveNow().catch((error: unknown) => this.logger.error('could not save the session', { error }));
    this.status = 'stopped';
    if (this.keepAlive !== undefined) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  // ---------------------------------------------------------------- calls

  /**
   * Calls any API method, typed end to end. Follows `*_MIGRATE_X`, sleeps through `FLOOD_WAIT_X`
   * up to `floodSleepThreshold` seconds (above: FloodWaitError), and feeds returned updates into
   * the update stream.
   */
  async invoke<M extends TlMethod>(method: M, options: InvokeOptions = {}): Promise<ResultOf<M>> {
    if (this.status !== 'connected' && this.status !== 'connecting') {
      throw new MtprotoError('CLIENT_STATE', this.status === 'new' ? 'call connect() first' : 'the client is stopped');
    }
    return this.call(method, options);
  }

  /** Measures one round trip to the home DC (an MTProto `ping`), in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.invoke({ _: 'ping', pingId: this.randomLong() });
    return performance.now() - started;
  }

  /** The logged-in account (`users.getUsers([inputUserSelf])`). */
  async getMe(): Promise<Tl<'user'>> {
    const [user] = await this.call({ _: 'users.getUsers', id: [{ _: 'inputUserSelf' }] });
    if (!user || user._ !== 'user') throw new MtprotoError('NOT_AUTHORIZED', 'the session is not logged in');
    this.setSelf(user);
    return user;
  }

  /** Resolves '@username', 'me', a (marked) id or a peer object to an InputPeer, cached. */
  chatRef(chat: ChatLike): Promise<TlType<'InputPeer'>> {
    return this.resolver.resolve(chat);
  }

  /** Sends a text message; resolves with the message as the server stored it. */
  async sendMessage(chat: ChatLike, text: string, options: SendMessageOptions = {}): Promise<Message> {
    const peer = await this.chatRef(chat);
    const request: Tl<'messages.sendMessage'> = {
      _: 'messages.sendMessage',
      peer,
      message: text,
      randomId: this.randomLong(),
      ...(options.silent ? { silent: true } : {}),
      ...(options.noWebpage ? { noWebpage: true } : {}),
      ...(options.entities ? { entities: options.entities } : {}),
      ...(options.replyTo !== undefined ? { replyTo: { _: 'inputReplyToMessage', replyToMsgId: options.replyTo } } : {}),
    };
    // The same request object (same random_id) is reused on every retry: the server de-duplicates it.
    const result = await this.call(request, {});
    if (result._ === 'updateShortSentMessage') {
      const update = expandSentMessage(result, request, this.resolver.peerOf(peer), this.self?.id);
      this.updates?.handleSingle(update, result.date);
      return new Message(update.message as Tl<'message'>, this);
    }
    const sent = findSentMessage(result, request.randomId);
    if (!sent) throw new MtprotoError('UNEXPECTED_RESULT', 'sendMessage: the answer holds no new message');
    return new Message(sent, this);
  }

  // ---------------------------------------------------------------- internals: calls

  private call<M extends TlMethod>(method: M, options: InvokeOptions = {}): Promise<ResultOf<M>> {
    const pending = this.callWithRecovery(method, options);
    this.inFlight.add(pending);
    const forget = (): void => void this.inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  private async callWithRecovery<M extends TlMethod>(method: M, options: InvokeOptions): Promise<ResultOf<M>> {
    let dcId = options.dcId;
    let lastError: unknown;
    for (let attempt = 0; attempt < MAX_CALL_ATTEMPTS; attempt++) {
      const onHome = dcId === undefined || dcId === this.homeDcId;
      const connection = onHome ? this.home() : await this.authorizedConnection(dcId!);
      if (!connection) throw new MtprotoError('CLIENT_STATE', 'not connected');
      try {
        const result: unknown = await connection.invoke(method, {
          signal: options.signal ?? this.stopController.signal,
          ...((options.timeoutMs ?? this.options.requestTimeoutMs) !== undefined ? { timeoutMs: options.timeoutMs ?? this.options.requestTimeoutMs } : {}),
        });
        if (onHome && isUpdates(result)) this.updates?.handle(result as TlType<'Updates'>);
        return result as ResultOf<M>;
      } catch (error) {
        lastError = error;
        if (error instanceof TransportError && error.transportCode === -404 && onHome && this.status !== 'stopping') {
          // The server forgot our key: the next attempt makes a new one; log the bot in again on it.
          if (this.options.botToken && method._ !== 'auth.importBotAuthorization') await this.relogin();
          continue;
        }
        if (!(error instanceof RpcError)) throw error;
        const retry = await this.recover(error, method, onHome ? this.homeDcId! : dcId!);
        if (retry === 'throw') throw error instanceof FloodWaitError || error.waitSeconds === undefined ? error : toFloodWait(error);
        if (retry !== 'same') dcId = retry.dcId;
      }
    }
    throw lastError;
  }

  /** Decides what to do about an RPC error: retry (possibly elsewhere) or give up. */
  private async recover(error: RpcError, method: { _: string }, dcId: number): Promise<'throw' | 'same' | { dcId: number | undefined }> {
    if (error.waitSeconds !== undefined && /^(FLOOD_|SLOWMODE_|FLOOD_PREMIUM_)/.test(error.errorMessage)) {
      const seconds = Math.max(1, error.waitSeconds);
      const threshold = this.options.floodSleepThreshold ?? DEFAULT_FLOOD_SLEEP_THRESHOLD;
      if (seconds > threshold) return 'throw';
      this.logger.info(`${method._}: ${error.errorMessage}, sleeping ${seconds} s before retrying`);
      await sleep(seconds * 1000, this.stopController.signal);
      return 'same';
    }
    const migrateDc = error.migrateDc;
    if (migrateDc !== undefined) {
      if (/^(FILE|STATS)_MIGRATE_/.test(error.errorMessage)) return { dcId: migrateDc };
      // USER_/PHONE_/NETWORK_MIGRATE: the account lives on another DC; make it home and repeat.
      if (dcId !== this.homeDcId) return 'throw';
      await this.switchHome(migrateDc, method._ === 'auth.importBotAuthorization');
      return { dcId: undefined };
    }
    if (error.errorMessage === 'AUTH_KEY_UNREGISTERED' && dcId === this.homeDcId && this.options.botToken && method._ !== 'auth.importBotAuthorization') {
      // The login on this key is gone (logged out elsewhere, key replaced): log in again.
      const stored = this.data?.dcs.get(dcId);
      if (stored) stored.authorized = false;
      await this.relogin();
      return 'same';
    }
    if (error.errorMessage === 'AUTH_KEY_UNREGISTERED' && dcId !== this.homeDcId) {
      // Our imported authorization on that DC is gone: import again.
      const stored = this.data?.dcs.get(dcId);
      if (stored?.authorized) {
        stored.authorized = false;
        return { dcId };
      }
    }
    return 'throw';
  }

  private async switchHome(dcId: number, loggingIn: boolean): Promise<void> {
    const previous = this.homeDcId;
    if (previous === dcId) throw new MtprotoError('MIGRATE_LOOP', `the server redirected DC ${dcId} to itself`);
    const wasAuthorized = this.isAuthorized();
    this.logger.info(`migrating home DC ${previous} -> ${dcId}`);
    const target = this.connection(dcId);
    await target.connect(this.stopController.signal);
    if (!loggingIn && wasAuthorized && !this.data!.dcs.get(dcId)?.authorized) {
      if (this.options.botToken) {
        this.homeDcId = dcId;
        await this.importBotAuthorization();
      } else {
        await this.transferAuthorization(previous!, dcId);
      }
    }
    this.homeDcId = dcId;
    this.data!.homeDcId = dcId;
    this.saveSoon();
    const old = previous === undefined ? undefined : this.connections.get(previous);
    if (old && loggingIn) {
      // Only used for the redirected login: nothing more to do there.
      this.connections.delete(previous!);
      void old.close();
    }
    if (wasAuthorized && this.updates) void this.updates.catchUp().catch(() => {});
  }

  /** A connection to `dcId` where our account is logged in (exporting the authorization if needed). */
  private async authorizedConnection(dcId: number): Promise<DcConnection> {
    const connection = this.connection(dcId);
    await connection.connect(this.stopController.signal);
    if (this.data!.dcs.get(dcId)?.authorized || !this.isAuthorized()) return connection;
    let pending = this.authorizing.get(dcId);
    if (!pending) {
      pending = this.transferAuthorization(this.homeDcId!, dcId).finally(() => this.authorizing.delete(dcId));
      this.authorizing.set(dcId, pending);
    }
    await pending;
    return connection;
  }

  private async transferAuthorization(fromDc: number, toDc: number): Promise<void> {
    const exported = await this.connection(fromDc).invoke({ _: 'auth.exportAuthorization', dcId: toDc }, { signal: this.stopController.signal });
    await this.connection(toDc).invoke({ _: 'auth.importAuthorization', id: exported.id, bytes: exported.bytes }, { signal: this.stopController.signal });
    this.markAuthorized(toDc);
    this.logger.info(`authorization exported from DC ${fromDc} to DC ${toDc}`);
  }

  private async loginBot(): Promise<void> {
    const authorization = await this.call({
      _: 'auth.importBotAuthorization',
      flags: 0,
      apiId: this.apiId,
      apiHash: this.apiHash,
      botAuthToken: this.options.botToken!,
    });
    this.afterLogin(authorization);
  }

  /** Logs the bot in again on the home DC (single flight: concurrent failures share one login). */
  private relogin(): Promise<void> {
    this.relogging ??= this.importBotAuthorization().finally(() => {
      this.relogging = undefined;
    });
    return this.relogging;
  }

  /** Logs the bot in on the current home DC directly (no migration handling: used by switchHome). */
  private async importBotAuthorization(): Promise<void> {
    const authorization = await this.connection(this.homeDcId!).invoke(
      { _: 'auth.importBotAuthorization', flags: 0, apiId: this.apiId, apiHash: this.apiHash, botAuthToken: this.options.botToken! },
      { signal: this.stopController.signal },
    );
    this.afterLogin(authorization);
  }

  private afterLogin(authorization: TlType<'auth.Authorization'>): void {
    if (authorization._ !== 'auth.authorization' || authorization.user._ !== 'user') {
      throw new MtprotoError('LOGIN_FAILED', `bot login answered ${authorization._}`);
    }
    this.markAuthorized(this.homeDcId!);
    this.setSelf(authorization.user);
    this.logger.info(`logged in as ${authorization.user.username ? `@${authorization.user.username}` : authorization.user.id} on DC ${this.homeDcId}`);
    this.saveSoon();
  }

  private markAuthorized(dcId: number): void {
    const stored = this.data!.dcs.get(dcId);
    if (stored) stored.authorized = true;
  }

  private isAuthorized(): boolean {
    return this.homeDcId !== undefined && this.data?.dcs.get(this.homeDcId)?.authorized === true;
  }

  private setSelf(user: Tl<'user'>): void {
    this.self = user;
    this.peers.addEntities([user], []);
    const data = this.data!;
    data.self = { id: user.id, bot: user.bot === true, ...(user.username ? { username: user.username } : {}), ...(user.firstName ? { firstName: user.firstName } : {}) };
    this.saveSoon();
  }

  // ---------------------------------------------------------------- internals: connections

  private home(): DcConnection | undefined {
    return this.homeDcId === undefined ? undefined : this.connections.get(this.homeDcId);
  }

  private connection(dcId: number): DcConnection {
    let connection = this.connections.get(dcId);
    if (connection) return connection;
    const stored = this.data!.dcs.get(dcId);
    connection = new DcConnection({
      dcId,
      candidates: () => this.candidates(dcId),
      session: {
        crypto: this.crypto,
        ...(this.rsaKeys.length > 0 ? { rsaKeys: this.rsaKeys } : {}),
        initConnection: initConnectionParams(this.apiId, this.options),
        logger: this.logger,
        ...(this.options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
      },
      authKey: stored ? { authKey: stored.authKey, authKeyId: stored.authKeyId, serverSalt: stored.serverSalt, timeOffset: stored.timeOffset } : undefined,
      logger: this.logger,
      onAuthKey: (key, created) => this.storeKey(dcId, key, created),
      onState: (state, dc) => this.onConnectionState(state, dc),
      onUpdates: (updates, dc) => {
        if (dc.dcId === this.homeDcId) this.updates?.handle(updates);
      },
      onKeyRejected: (dc) => {
        this.data!.dcs.delete(dc.dcId);
        this.saveSoon();
      },
      onNewSession: (dc) => {
        if (dc.dcId === this.homeDcId) void this.updates?.catchUp().catch(() => {});
      },
    });
    this.connections.set(dcId, connection);
    return connection;
  }

  private storeKey(dcId: number, key: AuthKeyState, created: boolean): void {
    const data = this.data!;
    const previous = data.dcs.get(dcId);
    data.dcs.set(dcId, {
      authKey: key.authKey,
      authKeyId: key.authKeyId,
      serverSalt: key.serverSalt,
      timeOffset: key.timeOffset,
      // A new key is not logged in, whatever the old one was.
      authorized: created ? false : (previous?.authorized ?? false),
    });
    if (created) {
      this.logger.info(`DC ${dcId}: new auth key created`);
      void this.saveNow().catch((error: unknown) => this.logger.error('could not save the session', { error }));
    } else {
      this.saveSoon();
    }
  }

  private onConnectionState(state: ConnectionState, connection: DcConnection): void {
    const home = connection.dcId === this.homeDcId;
    if (state === 'connected' && this.options.transport === 'auto' && (connection.kind === 'tcp' || connection.kind === 'websocket')) {
      // Remember what got through, for the other DCs now and for the next start.
      if (this.data && this.data.transport !== connection.kind) {
        this.data.transport = connection.kind;
        this.saveSoon();
      }
    }
    this.events.emit('connection', { state, dcId: connection.dcId, home, transport: connection.kind, address: connection.description });
    if (home && state === 'connected' && this.status === 'connected') {
      // Back after a drop: fetch what was pushed while we were away.
      void this.updates?.catchUp().catch((error: unknown) => this.logger.warn('catch-up after reconnect failed', { error }));
    }
  }

  /** The ways to reach `dcId`, in order, from the transport option. */
  private candidates(dcId: number): Promise<TransportCandidate[]> {
    return planCandidates({
      choice: this.options.transport ?? (this.options.webSocket ? 'websocket' : 'tcp'),
      dcId,
      test: this.isTest(),
      targets: this.dcTargets!,
      loader: this.loader!,
      remembered: this.data!.transport,
      autoFallbackMs: this.options.autoFallbackMs ?? DEFAULT_AUTO_FALLBACK_MS,
      logger: this.logger,
    });
  }

  /** Learns current DC addresses from help.getConfig (addresses change; the built-ins are a bootstrap). */
  private async refreshDcTable(): Promise<void> {
    const registry = this.dcTargets?.registry;
    if (!registry || registry.overridden) return;
    try {
      const config = await this.call({ _: 'help.getConfig' });
      registry.applyConfig(config, { test: this.isTest() });
      this.saveSoon();
    } catch (error) {
      if (this.status === 'connected') this.logger.debug('help.getConfig failed; keeping the known DC table', { error });
    }
  }

  // ---------------------------------------------------------------- internals: setup and storage

  /** Loads the session and the DC table. */
  private async prepare(): Promise<void> {
    this.storage = this.resolveStorage();
    const override = this.options.dcs ? await this.resolveOverride(this.options.dcs) : undefined;
    const test = this.isTest();
    const loaded = await this.storage.load();
    const data = loaded ?? emptySession(test);
    this.checkSessionFits(data, test);
    this.data = data;
    this.peers = new PeerCache(data.peers);
    this.resolver = this.createResolver();
    if (data.self) this.logger.debug('session loaded', { storage: this.storage.description, homeDcId: data.homeDcId });
    this.dcTargets = new DcTargets({ test, ipv6: this.options.ipv6 ?? false, webSocketTls: this.options.webSocketTls ?? true }, override, data.registry);
    this.loader = new TransportLoader({ ...(override?.tlsCaPem ? { tlsCaPem: override.tlsCaPem } : {}), ...(this.options.proxy ? { proxy: this.options.proxy } : {}) });
    this.rsaKeys = override?.rsaPublicKeyPem ? [importRsaPublicKeyPem(override.rsaPublicKeyPem)] : [];
  }

  /** Refuses a session made for other servers or another bot rather than silently mixing them. */
  private checkSessionFits(data: SessionData, test: boolean): void {
    const where = this.storage!.description;
    if (data.testServers !== test) {
      throw new SessionStorageError('SESSION_MISMATCH', where, `the session was made for ${data.testServers ? 'test' : 'production'} servers; use another sessionName`);
    }
    const token = this.options.botToken;
    if (token && data.self && data.self.id.toString() !== token.slice(0, token.indexOf(':'))) {
      throw new SessionStorageError('SESSION_MISMATCH', where, `the session belongs to account ${data.self.id}, not to this bot token's bot; use another sessionName`);
    }
  }

  /**
   * The storage to use when none was given. Browsers: localStorage when a sessionName is set.
   * The Node entry overrides this with a file next to the working directory.
   */
  protected defaultStorage(sessionName: string | undefined): SessionStorage {
    if (sessionName && hasLocalStorage()) return new LocalStorageSessionStorage(sessionName);
    return new MemorySessionStorage();
  }

  /** Reads a PEM given as a file path. Browsers have no files: the Node entry overrides this. */
  protected async readTextFile(path: string): Promise<string> {
    throw new MtprotoError('DCS_OVERRIDE', `cannot read ${path} here: pass the PEM text itself instead of a path`);
  }

  private resolveStorage(): SessionStorage {
    const storage = this.options.storage;
    if (storage === 'memory') return new MemorySessionStorage();
    if (storage) return storage;
    return this.defaultStorage(this.options.sessionName);
  }

  private async resolveOverride(override: DcsOverride): Promise<DcsOverride> {
    const out: DcsOverride = { ...override };
    if (override.rsaPublicKeyPem && !isPemText(override.rsaPublicKeyPem)) out.rsaPublicKeyPem = await this.readTextFile(override.rsaPublicKeyPem);
    if (override.tlsCaPem && !isPemText(override.tlsCaPem)) out.tlsCaPem = await this.readTextFile(override.tlsCaPem);
    return out;
  }

  private isTest(): boolean {
    return this.options.testServers ?? this.options.dcs?.test ?? false;
  }

  private defaultDcId(): number {
    if (this.options.defaultDcId) return this.options.defaultDcId;
    const choice = this.options.transport;
    const kind: TransportKind = choice === 'websocket' || (choice === undefined && this.options.webSocket) ? 'websocket' : 'tcp';
    const known = this.dcTargets!.knownDcIds(kind);
    return known.includes(DEFAULT_DC) || known.length === 0 ? DEFAULT_DC : known[0]!;
  }

  private updatesManager(): UpdatesManager {
    this.updates ??= new UpdatesManager({
      invoke: (method) => this.call(method),
      peers: this.peers,
      logger: this.logger,
      selfId: () => this.self?.id,
      deliver: (update, entities) => this.deliver(update, entities),
      stateChanged: () => this.saveSoon(),
      ...(this.data!.updates ? { initial: this.data!.updates } : {}),
      gapTimeoutMs: this.options.updateGapTimeoutMs ?? 500,
    });
    return this.updates;
  }

  private createResolver(): PeerResolver {
    return new PeerResolver({ peers: this.peers, invoke: (method) => this.call(method), selfId: () => this.self?.id });
  }

  /** Hands one update to listeners, dropping messages already delivered. */
  private deliver(update: TlType<'Update'>, entities: UpdateEntities): void {
    const isNewMessage = update._ === 'updateNewMessage' || update._ === 'updateNewChannelMessage';
    const message = isNewMessage ? (update as Tl<'updateNewMessage'>).message : undefined;
    if (message && message._ === 'message') {
      const key = `${markedId(peerKeyOf(message.peerId))}:${message.id}`;
      if (!this.seenMessages.add(key)) return;
    }
    this.events.emit('update', update, entities);
    if (message && message._ === 'message' && !message.out) {
      const findUser = (id: bigint) => entities.users.find((user) => user.id === id) ?? (this.peers.user(id) as TlType<'User'> | undefined);
      this.events.emit('message', new Message(message, this, findUser));
    }
  }

  private saveSoon(): void {
    if (this.saveTimer !== undefined || !this.data) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow().catch((error: unknown) => this.logger.error('could not save the session', { error }));
    }, SAVE_DELAY_MS);
    (this.saveTimer as { unref?: () => void }).unref?.();
  }

  private saveNow(): Promise<void> {
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const data = this.data;
    const storage = this.storage;
    if (!data || !storage) return Promise.resolve();
    this.saving = this.saving.catch(() => {}).then(() => {
      if (this.updates) data.updates = this.updates.sequencer.snapshot();
      data.peers = this.peers.export();
      if (this.dcTargets) data.registry = this.dcTargets.toJSON();
      return storage.save(data);
    });
    return this.saving;
  }

  private randomLong(): bigint {
    const bytes = this.crypto.randomBytes(8);
    return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true);
  }
}

function toFloodWait(error: RpcError): FloodWaitError {
  return new FloodWaitError(error.errorCode, error.errorMessage, error.method);
}
