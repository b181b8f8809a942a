/**
 * One DC: an encrypted session riding the first transport candidate that works. With several
 * candidates (`transport: 'auto'`, or several addresses) each gets a bounded budget, and a probe
 * call proves that something answers, so a black-holed port costs at most its budget.
 */
import {
  MtprotoSession,
  TransportError,
  type AuthKeyState,
  type SessionOptions,
  type TlMethod,
  type TlType,
} from '@x/mtproto-core';
import type { Logger } from './logger.js';
import type { ResultOf } from './util/method.js';
import { describeTarget, type TransportCandidate } from './transport/candidates.js';
import { deadlineSignal, raceSignal } from './util/abort.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface DcConnectionOptions {
  dcId: number;
  candidates: () => Promise<TransportCandidate[]>;
  /** Everything the session needs except the transport, target and key. */
  session: Omit<SessionOptions, 'transport' | 'target' | 'authKey'>;
  authKey: AuthKeyState | undefined;
  logger: Logger;
  /** A key was created (`created`) or its salt/time offset changed. */
  onAuthKey(key: AuthKeyState, created: boolean): void;
  onState(state: ConnectionState, connection: DcConnection): void;
  onUpdates?(updates: TlType<'Updates'>, connection: DcConnection): void;
  onNewSession?(connection: DcConnection): void;
  /** The server does not know our key (transport error -404): it is gone, a new one will be made. */
  onKeyRejected(connection: DcConnection): void;
}

export class DcConnection {
  readonly dcId: number;
  /** The transport kind in use (`tcp`, `websocket` or a custom factory's kind). */
  kind: string | undefined;
  /** Where we are connected: the URL or host:port, plus the transport's own description. */
  description: string | undefined;
  /** How long the last call took, from send to answer (round trip plus server time). */
  lastRoundTripMs: number | undefined;
  /** True when this connection had to create a new auth key. */
  authKeyCreated = false;
  private session: MtprotoSession | undefined;
  private authKey: AuthKeyState | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private readonly options: DcConnectionOptions;

  constructor(options: DcConnectionOptions) {
    this.options = options;
    this.dcId = options.dcId;
    this.authKey = options.authKey;
  }

  get connected(): boolean {
    return this.session !== undefined;
  }

  /** Connects once; concurrent callers share the attempt, a failed attempt can be retried. */
  connect(signal?: AbortSignal): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('TRANSPORT_CLOSED', `DC ${this.dcId} connection is closed`));
    if (this.session) return Promise.resolve();
    this.connecting ??= this.connectCandidates(signal).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  async invoke<M extends TlMethod>(method: M, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<ResultOf<M>> {
    await this.connect(options?.signal);
    const session = this.session;
    if (!session) throw new TransportError('TRANSPORT_CLOSED', `DC ${this.dcId} connection is closed`);
    // The session is typed by method name; the client infers from the method object: same thing.
    const invoke = session.invoke.bind(session) as (method: TlMethod, options?: { signal?: AbortSignal; timeoutMs?: number }) => Promise<unknown>;
    const started = performance.now();
    const result = await invoke(method, options);
    this.lastRoundTripMs = performance.now() - started;
    return result as ResultOf<M>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => {});
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  private async connectCandidates(signal?: AbortSignal): Promise<void> {
    const candidates = await this.options.candidates();
    const failures: string[] = [];
    let lastError: unknown;
    this.options.onState('connecting', this);
    for (const candidate of candidates) {
      const where = `${candidate.factory.kind} ${describeTarget(candidate.target)}`;
      const deadline = deadlineSignal(candidate.budgetMs, signal);
      const session = this.createSession(candidate);
      const unsubscribe = this.watchKey(session);
      try {
        const started = performance.now();
        await raceSignal(session.connect({ signal: deadline.signal }), deadline.signal);
        if (candidate.probe) {
          const probeStart = performance.now();
          await raceSignal(session.invoke({ _: 'help.getNearestDc' }, { signal: deadline.signal }), deadline.signal);
          this.lastRoundTripMs = performance.now() - probeStart;
        }
        this.adopt(session, candidate, unsubscribe);
        this.options.logger.info(`DC ${this.dcId}: connected over ${where}`, {
          ms: Math.round(performance.now() - started),
          key: this.authKeyCreated ? 'created' : 'reused',
        });
        return;
      } catch (error) {
        lastError = error;
        unsubscribe();
        // Not awaited: a black-holed peer may never acknowledge the close.
        void session.close().catch(() => {});
        failures.push(`${where}: ${(error as Error).message}`);
        this.options.logger.warn(`DC ${this.dcId}: ${where} failed, ${candidates.length > failures.length ? 'trying the next way' : 'no more ways to try'}`, {
          error,
        });
        if (signal?.aborted || this.closed) break;
      } finally {
        deadline.dispose();
      }
    }
    this.options.onState('closed', this);
    if (candidates.length === 1 && lastError instanceof Error) throw lastError;
    throw new TransportError(
      'TRANSPORT_UNREACHABLE',
      `DC ${this.dcId} unreachable: ${failures.join('; ') || 'no transport candidates'}`,
      { cause: lastError },
    );
  }

  private createSession(candidate: TransportCandidate): MtprotoSession {
    return new MtprotoSession({
      ...this.options.session,
      transport: candidate.factory,
      target: candidate.target,
      ...(this.authKey ? { authKey: this.authKey } : {}),
    });
  }

  /** Keys are per DC, not per transport: a key made on a candidate that later failed is kept. */
  private watchKey(session: MtprotoSession): () => void {
    return session.on('authKey', (key) => {
      const created = this.authKey === undefined || this.authKey.authKeyId !== key.authKeyId;
      if (created) this.authKeyCreated = true;
      this.authKey = key;
      this.options.onAuthKey(key, created);
    });
  }

  private adopt(session: MtprotoSession, candidate: TransportCandidate, unsubscribeKey: () => void): void {
    if (this.closed) {
      unsubscribeKey();
      void session.close();
      throw new TransportError('TRANSPORT_CLOSED', `DC ${this.dcId} connection closed while connecting`);
    }
    this.session = session;
    this.kind = candidate.factory.kind;
    this.description = describeTarget(candidate.target);
    session.on('state', (state) => {
      if (this.session !== session) return;
      this.options.onState(state, this);
    });
    session.on('updates', (updates) => {
      if (this.session === session) this.options.onUpdates?.(updates, this);
    });
    session.on('newSession', () => {
      if (this.session === session) this.options.onNewSession?.(this);
    });
    session.on('error', (error) => {
      if (this.session !== session) return;
      if (error instanceof TransportError && error.transportCode === -404) {
        this.options.logger.warn(`DC ${this.dcId}: the server does not know our auth key; a new one will be created`);
        this.authKey = undefined;
        this.options.onKeyRejected(this);
      }
    });
    session.on('state', (state) => {
      // A session that closed by itself (fatal error, reconnect off) is replaced on the next call.
      if (state === 'closed' && this.session === session) this.session = undefined;
    });
    this.options.onState('connected', this);
  }
}
