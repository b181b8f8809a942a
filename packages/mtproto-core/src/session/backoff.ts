/** Reconnect delays: exponential from `baseMs` up to `maxMs`, with ±20% jitter so clients spread out. */

export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;

  constructor(baseMs: number, maxMs: number, random: () => number = Math.random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** Delay before the next attempt; the first attempt after a drop is immediate. */
  next(): number {
    const attempt = this.attempt++;
    if (attempt === 0) return 0;
    const raw = Math.min(this.maxMs, this.baseMs * 2 ** (attempt - 1));
    return Math.min(this.maxMs, Math.round(raw * (0.8 + 0.4 * this.random())));
  }

  reset(): void {
    this.attempt = 0;
  }
}
