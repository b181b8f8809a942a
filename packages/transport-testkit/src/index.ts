// @x/transport-testkit: the transport conformance suite. This entry registers vitest blocks;
// `@x/transport-testkit/runner` is the same suite without any test framework.
export { describeTransportConformance } from './describe.js';
export { runTransportConformance, CONFORMANCE_CHECKS } from './runner.js';
export type { ConformanceCheckName, ConformanceCheckResult, ConformanceServer, TransportConformanceOptions } from './options.js';
