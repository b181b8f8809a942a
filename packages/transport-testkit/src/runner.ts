/**
 * Framework-free entry: `runTransportConformance(options)` starts a test DC, runs every check in
 * order and resolves with one result per check (it never throws for a failing check).
 */
import { startHarness, type Harness } from './harness.js';
import { CHECKS } from './checks.js';
import { CONFORMANCE_CHECKS, type ConformanceCheckName, type ConformanceCheckResult, type TransportConformanceOptions } from './options.js';
import { ConformanceFailure, withDeadline } from './util.js';

export { CONFORMANCE_CHECKS } from './options.js';
export type { ConformanceCheckName, ConformanceCheckResult, ConformanceServer, TransportConformanceOptions } from './options.js';

/** The checks `options` asks for, in run order (the chunking checks need a proxyable carrier). */
export function selectedChecks(options: TransportConformanceOptions): ConformanceCheckName[] {
  return CONFORMANCE_CHECKS.filter(
    (name) =>
      (options.only === undefined || options.only.includes(name)) &&
      !(options.proxyable === false && (name === '1-byte chunking' || name === 'many packets per chunk')) &&
      !(options.webSocket !== true && name === 'WebSocket close codes'),
  );
}

/** Runs one check against a started harness. */
export async function runCheck(harness: Harness, name: ConformanceCheckName): Promise<ConformanceCheckResult> {
  const started = performance.now();
  const control = harness.testDc.control;
  control.clearViolations();
  try {
    await withDeadline(CHECKS[name](harness), harness.options.checkTimeoutMs ?? 20_000, name);
    // The test DC runs in strict mode: bytes that reached it malformed fail the check too.
    const violations = control.violations();
    if (violations.length > 0) {
      throw new ConformanceFailure(`the test DC recorded protocol violations: ${violations.map((violation) => JSON.stringify(violation)).join('; ').slice(0, 1000)}`);
    }
    return { name, ok: true, durationMs: performance.now() - started };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error : new Error(String(error)), durationMs: performance.now() - started };
  }
}

export async function runTransportConformance(options: TransportConformanceOptions): Promise<ConformanceCheckResult[]> {
  const harness = await startHarness(options);
  try {
    const results: ConformanceCheckResult[] = [];
    for (const name of selectedChecks(options)) results.push(await runCheck(harness, name));
    return results;
  } finally {
    await harness.close();
  }
}
