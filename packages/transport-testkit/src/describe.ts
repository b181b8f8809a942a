/**
 * `describeTransportConformance(name, options)`: registers a vitest `describe` block with one `it`
 * per check, sharing one in-process test DC.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import type { TransportConformanceOptions } from './options.js';
import { runCheck, selectedChecks } from './runner.js';

export function describeTransportConformance(name: string, options: TransportConformanceOptions): void {
  const checkTimeoutMs = options.checkTimeoutMs ?? 20_000;
  describe(`transport conformance: ${name}`, () => {
    let harness: Harness | undefined;
    beforeAll(async () => {
      harness = await startHarness(options);
    }, 30_000);
    afterAll(async () => {
      await harness?.close();
    }, 30_000);
    for (const check of selectedChecks(options)) {
      it(check, async () => {
        if (harness === undefined) throw new Error('the test DC did not start');
        const result = await runCheck(harness, check);
        if (!result.ok) throw result.error;
      }, checkTimeoutMs + 5_000);
    }
  });
}
