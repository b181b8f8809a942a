// Benchmark runner: `pnpm bench [suite...]` runs suites/*.mjs (each exports `async function run(ctx)`
// returning figures), prints a table with ratios and writes results.json.
//
// A figure: { name, unit, median, min, max, runs, ratio?: { vs, value, target?, pass? },
//   goal?: { text, pass }, note? }.
// `ratio.value` is this figure's median divided by the reference named in `vs` (for times, the suite
// inverts it so that above 1 always means faster); `target` is the goal from the issue, if any.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as measure from './lib/measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const suiteFiles = readdirSync(join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.mjs$/, '')))
  .sort();

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  openssl: process.versions.openssl,
  systemOpenssl: systemOpenssl(),
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
};

const results = { machine, suites: {} };
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}`);
for (const file of suiteFiles) {
  const name = file.replace(/\.mjs$/, '');
  const suite = await import(pathToFileURL(join(here, 'suites', file)).href);
  const started = performance.now();
  console.log(`\n== ${name} ==`);
  const figures = await suite.run({ ...measure, log: (line) => console.log(`  ${line}`) });
  const seconds = (performance.now() - started) / 1000;
  results.suites[name] = { seconds: round(seconds), figures };
  printTable(figures);
  console.log(`  (${seconds.toFixed(1)} s)`);
}
writeFileSync(join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`\nwrote ${join(here, 'results.json')}`);

function printTable(figures) {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.median)} ${f.unit}`,
    `${fmt(f.min)}..${fmt(f.max)}`,
    String(f.runs),
    f.ratio ? `${f.ratio.value.toFixed(2)}x ${f.ratio.vs}` : '',
    f.ratio?.target !== undefined
      ? `${f.ratio.pass ? 'PASS' : 'MISS'} (target ${f.ratio.target}x)`
      : f.goal
        ? `${f.goal.pass ? 'PASS' : 'MISS'} (${f.goal.text})`
        : (f.note ?? ''),
  ]);
  const header = ['figure', 'median', 'min..max', 'runs', 'ratio', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

function fmt(value) {
  if (typeof value !== 'number') return String(value);
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(value >= 1 ? 2 : 3);
}

function round(value) {
  return Math.round(value * 1000) / 1000;
}

function systemOpenssl() {
  try {
    return execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
