/**
 * Server salts of one auth key (protocol notes §7.7, §8 get_future_salts): a schedule of
 * consecutive salts, each current for `period` seconds and still accepted `grace` seconds after
 * it was replaced. `rotateNow` (a fault switch) replaces every salt at once, so the client's next
 * message gets bad_server_salt.
 */
import { randomLong } from '../world/world.js';

export interface SaltEntry {
  salt: bigint;
  validSince: number;
  validUntil: number;
}

export interface SaltPolicy {
  /** Seconds a salt stays current. */
  periodSeconds: number;
  /** Seconds an old salt is still accepted after its period. */
  graceSeconds: number;
}

export class SaltSchedule {
  private entries: SaltEntry[] = [];
  private readonly policy: SaltPolicy;

  /** `initial` is the handshake salt (new_nonce ⊕ server_nonce), current from `now`. */
  constructor(initial: bigint, now: number, policy: SaltPolicy) {
    this.policy = policy;
    this.entries.push({ salt: initial, validSince: now, validUntil: now + policy.periodSeconds });
  }

  /** The salt a server message carries now. */
  current(now: number): bigint {
    this.extend(now, 1);
    for (const entry of this.entries) if (entry.validSince <= now && now < entry.validUntil) return entry.salt;
    return this.entries[this.entries.length - 1].salt;
  }

  /** True when a client may use `salt` at `now` (current, or replaced less than `grace` ago). */
  accepts(salt: bigint, now: number): boolean {
    this.extend(now, 1);
    return this.entries.some((entry) => entry.salt === salt && entry.validSince <= now && now < entry.validUntil + this.policy.graceSeconds);
  }

  /** `count` salts starting with the current one (get_future_salts, 1..64). */
  future(now: number, count: number): SaltEntry[] {
    this.extend(now, count);
    const from = this.entries.findIndex((entry) => entry.validSince <= now && now < entry.validUntil);
    return this.entries.slice(Math.max(0, from), Math.max(0, from) + count);
  }

  /** Replaces every salt with a fresh one current from `now`. */
  rotateNow(now: number): bigint {
    const salt = randomLong();
    this.entries = [{ salt, validSince: now, validUntil: now + this.policy.periodSeconds }];
    return salt;
  }

  /** Makes sure salts cover `now` plus `ahead` periods, and forgets long-dead ones. */
  private extend(now: number, ahead: number): void {
    let last = this.entries[this.entries.length - 1];
    // Jump over long idle times instead of minting one salt per missed period.
    if (last.validUntil + this.policy.graceSeconds < now) {
      last = { salt: randomLong(), validSince: now, validUntil: now + this.policy.periodSeconds };
      this.entries = [last];
    }
    let currentIndex = this.entries.findIndex((entry) => entry.validSince <= now && now < entry.validUntil);
    while (currentIndex === -1 || this.entries.length - currentIndex < ahead) {
      last = this.entries[this.entries.length - 1];
      this.entries.push({ salt: randomLong(), validSince: last.validUntil, validUntil: last.validUntil + this.policy.periodSeconds });
      if (currentIndex === -1) currentIndex = this.entries.findIndex((entry) => entry.validSince <= now && now < entry.validUntil);
    }
    const horizon = now - this.policy.graceSeconds;
    while (this.entries.length > 1 && this.entries[0].validUntil < horizon) this.entries.shift();
  }
}
