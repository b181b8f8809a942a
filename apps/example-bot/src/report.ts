/** Prints the story step by step: a mark, the step, what happened, how long it took. */

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export class Report {
  readonly steps: StepResult[] = [];

  constructor(private readonly write: (line: string) => void) {}

  title(text: string): void {
    this.write(text);
  }

  line(text: string): void {
    this.write(`    ${text}`);
  }

  /** Runs `task`, prints its outcome, and returns its value (or undefined if it failed). */
  async step<T>(name: string, task: () => Promise<{ value: T; detail: string }>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const { value, detail } = await task();
      this.record({ name, ok: true, detail, ms: performance.now() - started });
      return value;
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.record({ name, ok: false, detail: message, ms: performance.now() - started });
      return undefined;
    }
  }

  get ok(): boolean {
    return this.steps.length > 0 && this.steps.every((step) => step.ok);
  }

  summary(): void {
    const failed = this.steps.filter((step) => !step.ok);
    this.write(failed.length === 0 ? `all ${this.steps.length} steps passed` : `${failed.length} of ${this.steps.length} steps failed: ${failed.map((s) => s.name).join(', ')}`);
  }

  private record(step: StepResult): void {
    this.steps.push(step);
    this.write(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(22)} ${step.detail}  (${formatMs(step.ms)})`);
  }
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}
