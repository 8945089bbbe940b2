/**
 * bench/crossover-coverage: the measured coverage of the crossover's nominal interval (issue 19's
 * acceptance). Each scenario simulates families with a known crossing and prints how often the
 * interval holds it, with its Monte Carlo standard error.
 *   node dist/bench/crossover-coverage.js [--replicates R] [--resamples B] [--level L] [--seed S] [--scenario ID]
 */
import { parseArgs } from 'node:util';
import { COVERAGE_SCENARIOS, simulateCoverage } from '../src/core/crossover/coverage.js';

const { values } = parseArgs({ options: { replicates: { type: 'string' }, resamples: { type: 'string' }, level: { type: 'string' }, seed: { type: 'string' }, scenario: { type: 'string' } } });
const replicates = Number(values.replicates ?? 200);
const resamples = Number(values.resamples ?? 400);
const level = Number(values.level ?? 0.9);
const seed = Number(values.seed ?? 0);
const scenarios = COVERAGE_SCENARIOS.filter((s) => values.scenario === undefined || s.id === values.scenario);
if (scenarios.length === 0) throw new Error(`no scenario ${values.scenario}; have ${COVERAGE_SCENARIOS.map((s) => s.id).join(', ')}`);
console.log(`nominal ${level * 100}% interval, ${replicates} replicates x ${resamples} bootstrap resamples, seed ${seed}`);
for (const s of scenarios) {
  const t0 = performance.now();
  const r = simulateCoverage(s, {
    replicates, resamples, level, seed,
    onReplicate: (d) => { if (process.stderr.isTTY) process.stderr.write(`\r${s.id}: ${d}/${replicates}, ETA ${Math.round(((performance.now() - t0) / d) * (replicates - d) / 1000)} s  `); },
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  console.log(`${s.id}: ${s.description}`);
  console.log(
    `  true crossing 10^${r.truth.toFixed(3)}; coverage ${(100 * r.coverage).toFixed(1)}% ± ${(100 * r.coverageSe).toFixed(1)} (MC se); ` +
      `crossing found ${(100 * r.found).toFixed(1)}%, open-ended ${(100 * r.open).toFixed(1)}%, median width ${r.medianWidthDecades === null ? '-' : r.medianWidthDecades.toFixed(2)} decades; ` +
      `missed below ${(100 * r.missLow).toFixed(1)}%, above ${(100 * r.missHigh).toFixed(1)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
