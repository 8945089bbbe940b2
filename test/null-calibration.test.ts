import { describe, expect, it } from 'vitest';
import { CALIBRATION_GRID, auditCalibration, drawCurves, verdictShares } from '../src/core/analysis/calibration.js';
import { audit } from '../src/core/analysis/audit.js';
import { isNullForEmergence } from '../src/core/curves/simulate.js';
import { DEFAULT_THRESHOLDS } from '../src/core/analysis/thresholds.js';
import { fdrCutoff } from '../src/core/stats/fdr.js';

// The null-calibration suite of issue #28 at a tenth of bench/null-calibration's size (300 curves
// per scenario instead of 1,000); docs/verdicts.md quotes the full run.
const PER = 300;
const SEED = 28;

/** P(X ≥ k) for X ~ Binomial(n, p): how surprising k emergent calls in n would be if the true rate were p. */
function binomialUpper(k: number, n: number, p: number): number {
  let term = Math.pow(1 - p, n);
  let cdf = 0;
  for (let i = 0; i < k; i++) {
    cdf += term;
    term *= ((n - i) / (i + 1)) * (p / (1 - p));
  }
  return 1 - cdf;
}

describe('null curves', () => {
  const nulls = CALIBRATION_GRID.filter((s) => isNullForEmergence(s.truth));
  const rows = nulls.map((s) => ({ s, r: verdictShares(s, PER, SEED, 0) }));
  it('read emergent at most 1% of the time per curve, pooled over every null scenario', () => {
    const pooled = rows.reduce((a, { r }) => a + r.shares.emergent, 0) / rows.length;
    console.log(`null calibration: emergent per curve ${(100 * pooled).toFixed(2)}% pooled over ${rows.length} scenarios of ${PER} curves`);
    expect(pooled).toBeLessThanOrEqual(0.01);
  });
  it('no single null scenario reads emergent at a rate the data would reject against 1% (binomial test at 0.001)', () => {
    for (const { s, r } of rows) {
      const k = Math.round(r.shares.emergent * PER);
      expect(binomialUpper(k, PER, 0.01), `${s.id}: ${k} of ${PER}`).toBeGreaterThan(0.001);
    }
  });
  it('a clean perplexity power law with reported errors reads smooth', () => {
    for (const { s, r } of rows.filter(({ s }) => s.truth.kind === 'ppl_power' && s.reportErrors)) expect(r.shares.smooth, s.id).toBeGreaterThan(0.95);
  });
  it('multiple choice at chance reads at chance most of the time and never emergent', () => {
    for (const { s, r } of rows.filter(({ s }) => s.task !== undefined)) {
      expect(r.shares.at_chance, s.id).toBeGreaterThan(0.8);
      expect(r.shares.emergent, s.id).toBe(0);
    }
  });
});

describe('power', () => {
  it('a step the size of the arithmetic mirage (0.01 → 0.98) with reported errors reads emergent in at least 95% of curves', () => {
    for (const s of CALIBRATION_GRID.filter((x) => x.id.startsWith('step 0.01→0.98') && x.reportErrors)) {
      const r = verdictShares(s, PER, SEED, 0);
      console.log(`power: ${s.id}: emergent ${(100 * r.shares.emergent).toFixed(1)}%`);
      expect(r.shares.emergent, s.id).toBeGreaterThanOrEqual(0.95);
    }
  });
  it('a gentle sigmoid (1 per decade) is smooth, not emergent', () => {
    for (const s of CALIBRATION_GRID.filter((x) => x.id.startsWith('sigmoid 0.05→0.8, 1/decade'))) expect(verdictShares(s, PER, SEED, 0).shares.smooth, s.id).toBeGreaterThan(0.95);
  });
});

describe('1,000-curve audits', () => {
  it('after FDR control, at most q of null audits report any emergent call', () => {
    const c = auditCalibration(PER, 300, 1000, SEED);
    console.log(`null audits: any emergent call in ${(100 * c.withoutFdr).toFixed(1)}% without FDR, ${(100 * c.withFdr).toFixed(1)}% with BH at q = ${c.q}`);
    expect(c.withFdr).toBeLessThanOrEqual(c.q);
    expect(c.mixedFdrWith).toBeLessThanOrEqual(c.q);
    expect(c.withoutFdr).toBeGreaterThan(c.withFdr);
  });
  it('the p-value shortcut the calibration uses gives the same emergent calls as audit() itself', () => {
    const nulls = CALIBRATION_GRID.filter((s) => isNullForEmergence(s.truth));
    const trues = CALIBRATION_GRID.filter((s) => !isNullForEmergence(s.truth));
    // One mixed audit of 1,000: 25 curves of each of the 40 null scenarios' first draws, plus true ones in place of some.
    const curves = [...nulls.flatMap((s) => drawCurves(s, 20, SEED)), ...trues.flatMap((s) => drawCurves(s, 3, SEED))].slice(0, 1000);
    const alone = audit(curves, { fdr: null, stability: false }).verdicts;
    const controlled = audit(curves, { stability: false }).verdicts;
    const cut = Math.min(DEFAULT_THRESHOLDS.emergenceAlpha, fdrCutoff(alone.map((v) => v.emergenceP ?? 1), 0.05));
    const shortcut = alone.map((v) => v.verdict === 'emergent' && (v.emergenceP ?? 1) <= cut);
    expect(controlled.map((v) => v.verdict === 'emergent')).toEqual(shortcut);
    expect(shortcut.filter(Boolean).length).toBeGreaterThan(0);
  });
});
