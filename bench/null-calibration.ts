/**
 * bench/null-calibration: how often each verdict fires on curves of known truth (issue #28), the
 * suite in src/core/analysis/calibration.ts. Null models (a constant ability, smooth log-linear and
 * saturating trends, perplexity power laws) must not read emergent; true steps and sigmoids measure
 * power. Then 1,000-curve audits measure the family-wise share of emergent calls after FDR control.
 *   node dist/bench/null-calibration.js [--curves N] [--audits A] [--seed S] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CALIBRATION_GRID, auditCalibration, verdictShares } from '../src/core/analysis/calibration.js';
import { isNullForEmergence } from '../src/core/curves/simulate.js';

const { values } = parseArgs({ options: { curves: { type: 'string' }, audits: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' }, stability: { type: 'string' } } });
const perScenario = Number(values.curves ?? 1000);
const audits = Number(values.audits ?? 1000);
const seed = Number(values.seed ?? 28);
const stability = Number(values.stability ?? 200);

const t0 = performance.now();
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const cols = ['emergent', 'smooth', 'flat', 'at_chance', 'too_noisy', 'non_monotonic', 'fragile'] as const;
console.log(`${'scenario'.padEnd(58)} ${cols.map((c) => c.slice(0, 9).padStart(9)).join(' ')}`);
const rows = CALIBRATION_GRID.map((s, i) => {
  const r = verdictShares(s, perScenario, seed, stability);
  console.log(`${s.id.padEnd(58)} ${cols.map((c) => pct(r.shares[c]).padStart(9)).join(' ')}`);
  process.stderr.write(`\r${i + 1}/${CALIBRATION_GRID.length} scenarios, ${Math.round((performance.now() - t0) / 1000)} s`);
  return { id: s.id, null: isNullForEmergence(s.truth), ...r };
});
process.stderr.write('\n');
const nulls = rows.filter((r) => r.null);
const worst = nulls.reduce((a, b) => (b.shares.emergent > a.shares.emergent ? b : a));
console.log(`\nnull scenarios: ${nulls.length}; emergent per curve: mean ${pct(nulls.reduce((s, r) => s + r.shares.emergent, 0) / nulls.length)}, worst ${pct(worst.shares.emergent)} (${worst.id})`);
const fw = auditCalibration(perScenario, audits, 1000, seed);
console.log(`${audits} null audits of 1,000 curves (resampled from ${fw.pool} null curves): ≥1 emergent call in ${pct(fw.withoutFdr)} without FDR, ${pct(fw.withFdr)} after ${fw.method.toUpperCase()} at q = ${fw.q}`);
console.log(`mixed audits (${pct(fw.trueShare)} true steps/sigmoids): false-discovery proportion ${pct(fw.mixedFdrWithout)} → ${pct(fw.mixedFdrWith)}, power ${pct(fw.mixedPowerWithout)} → ${pct(fw.mixedPowerWith)} (per curve → after FDR)`);
console.log(`(${Math.round(performance.now() - t0)} ms)`);
if (values.json) writeFileSync(values.json, JSON.stringify({ seed, perScenario, rows, audits: fw }, null, 2) + '\n');
