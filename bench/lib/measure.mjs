// Measurement helpers shared by the suites. Cases of one group run interleaved, round by round,
// so drift (turbo, GC, a noisy neighbour) hits every case alike.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Calls `fn` repeatedly for about `ms` milliseconds of wall time; returns [calls, CPU ms]. CPU time
 * of this process (user + system), not wall time, is what the figures use: `openssl speed` reports
 * the same, and it keeps a busy shared machine from distorting the ratios. The work measured is
 * synchronous on the main thread, so the two agree on an idle machine.
 */
export function sample(fn, ms) {
  let calls = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  do {
    fn();
    calls++;
  } while (performance.now() - start < ms);
  const cpu = process.cpuUsage(cpuStart);
  return [calls, (cpu.user + cpu.system) / 1000];
}

/**
 * Throughput of several cases in MB/s (10^6 bytes per second), `rounds` interleaved samples of
 * `ms` each after one warm-up sample. cases: [{ name, bytes, fn }].
 */
export function throughput(cases, { rounds = 7, ms = 100 } = {}) {
  const speeds = cases.map(() => []);
  for (const c of cases) sample(c.fn, ms / 2);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((c, i) => {
      const [calls, elapsed] = sample(c.fn, ms);
      speeds[i].push((calls * c.bytes) / (elapsed * 1000));
    });
  }
  return cases.map((c, i) => figure(c.name, 'MB/s', speeds[i]));
}

/** Time per call in milliseconds for several cases, interleaved like `throughput`. */
export function timePerCall(cases, { rounds = 7, ms = 200 } = {}) {
  const times = cases.map(() => []);
  for (const c of cases) sample(c.fn, ms / 4);
  for (let round = 0; round < rounds; round++) {
    cases.forEach((c, i) => {
      const [calls, elapsed] = sample(c.fn, ms);
      times[i].push(elapsed / calls);
    });
  }
  return cases.map((c, i) => figure(c.name, 'ms', times[i]));
}

export function figure(name, unit, values, extra = {}) {
  return {
    name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
    ...extra,
  };
}

/** Adds `ratio` to `fig` against `reference` (higher-is-better units; pass `invert` for times). */
export function withRatio(fig, reference, { target, invert = false } = {}) {
  if (!reference) return fig;
  const value = invert ? reference.median / fig.median : fig.median / reference.median;
  return { ...fig, ratio: { vs: reference.name, value, ...(target === undefined ? {} : { target, pass: value >= target }) } };
}
