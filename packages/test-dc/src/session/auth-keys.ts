/**
 * Auth keys of one DC (keys are per DC, never shared). A temporary key (p_q_inner_data_temp*)
 * expires and borrows its authorization from the permanent key it is bound to.
 */
import { SaltSchedule, type SaltPolicy } from './salts.js';

export interface InitConnectionInfo {
  apiId: number;
  deviceModel: string;
  systemVersion: string;
  appVersion: string;
  systemLangCode: string;
  langPack: string;
  langCode: string;
}

export interface AuthKeyRecord {
  id: bigint;
  idBytes: Uint8Array;
  key: Uint8Array;
  temp: boolean;
  /** Unix seconds; temporary keys only. */
  expiresAt?: number;
  /** Temporary keys: the permanent key they were bound to (auth.bindTempAuthKey). */
  boundTo?: bigint;
  /** Logged-in user (permanent keys; temporary keys use their bound key's). */
  userId?: number;
  /** From invokeWithLayer. */
  layer?: number;
  initConnection?: InitConnectionInfo;
  salts: SaltSchedule;
  createdAt: number;
}

export class AuthKeyStore {
  private readonly keys = new Map<bigint, AuthKeyRecord>();
  readonly saltPolicy: SaltPolicy;

  constructor(saltPolicy: SaltPolicy) {
    this.saltPolicy = saltPolicy;
  }

  has(id: bigint): boolean {
    return this.keys.has(id);
  }

  /** The key, or undefined if unknown or an expired temporary key (which is then forgotten). */
  get(id: bigint, now: number): AuthKeyRecord | undefined {
    const record = this.keys.get(id);
    if (record?.expiresAt !== undefined && record.expiresAt <= now) {
      this.keys.delete(id);
      return undefined;
    }
    return record;
  }

  add(init: { id: bigint; idBytes: Uint8Array; key: Uint8Array; temp: boolean; expiresAt?: number; salt: bigint; now: number }): AuthKeyRecord {
    const record: AuthKeyRecord = {
      id: init.id,
      idBytes: init.idBytes,
      key: init.key,
      temp: init.temp,
      ...(init.expiresAt !== undefined ? { expiresAt: init.expiresAt } : {}),
      salts: new SaltSchedule(init.salt, init.now, this.saltPolicy),
      createdAt: init.now,
    };
    this.keys.set(init.id, record);
    return record;
  }

  delete(id: bigint): boolean {
    return this.keys.delete(id);
  }

  /** The user a key acts for (through its permanent key when it is a bound temporary key). */
  userOf(record: AuthKeyRecord, now: number): number | undefined {
    if (!record.temp) return record.userId;
    if (record.boundTo === undefined) return undefined;
    return this.get(record.boundTo, now)?.userId;
  }

  /** Sets the authorization on the key that holds it (the permanent one for bound temp keys). */
  authorize(record: AuthKeyRecord, userId: number | undefined, now: number): void {
    const holder = record.temp && record.boundTo !== undefined ? this.get(record.boundTo, now) : record;
    if (holder === undefined) return;
    if (userId === undefined) delete holder.userId;
    else holder.userId = userId;
  }

  all(): AuthKeyRecord[] {
    return [...this.keys.values()];
  }
}
