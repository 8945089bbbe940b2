import { expect, it } from 'vitest';
import { curveFromArrays } from '../curves/synthetic.js';
import { simulateCurve } from '../curves/simulate.js';
import { makeRng } from '../random/rng.js';
import { audit } from './audit.js';
import { verdictFor } from './verdict.js';

const P = [1e8, 2.7e8, 7.2e8, 1.9e9, 5.2e9, 1.4e10, 3.7e10, 1e11];
/** A step at the largest model, binomial errors at n: emergent alone at p ≈ 0.004 when n = 300 and the step is 0.05 → 0.2. */
const stepCurve = (task: string, top: number, n: number) => {
  const c = curveFromArrays(P, [0.05, 0.06, 0.05, 0.055, 0.05, 0.06, 0.055, top], { task, metric: 'exact_match' });
  return { ...c, points: c.points.map((p) => ({ ...p, n })) };
};

it('q-values are the Benjamini–Hochberg adjustment of the per-curve p-values (hand-computed on 3 curves)', () => {
  const curves = [stepCurve('a', 0.3, 300), stepCurve('b', 0.12, 300), curveFromArrays(P, P.map(() => 0.2), { task: 'c', metric: 'acc' })];
  const r = audit(curves, { stability: false });
  const p = r.verdicts.map((v) => v.emergenceP ?? 1);
  const sorted = [...p].sort((a, b) => a - b);
  const bh = p.map((pi) => {
    // q_i = min over j with p_(j) >= p_i of 3 p_(j) / j
    let q = 1;
    sorted.forEach((pj, j) => {
      if (pj >= pi) q = Math.min(q, (3 * pj) / (j + 1));
    });
    return q;
  });
  r.verdicts.forEach((v, i) => (v.emergenceP === null ? expect(v.emergenceQ).toBeNull() : expect(v.emergenceQ!).toBeCloseTo(bh[i]!, 12)));
  expect(r.verdicts.filter((v) => v.emergenceQ !== null).length).toBeGreaterThanOrEqual(2);
  expect(r.fdr).toMatchObject({ q: 0.05, method: 'bh', tests: 3 });
});

it('an emergent call that passes alone fails among many null curves, and the reasons say why', () => {
  const lone = verdictFor(stepCurve('x', 0.16, 300));
  expect(lone.verdict).toBe('emergent');
  expect(lone.emergenceP!).toBeGreaterThan(1e-4);
  const rng = makeRng(5);
  const nulls = Array.from({ length: 300 }, (_, i) => simulateCurve({ id: 'null', truth: { kind: 'constant', p: 0.4 }, points: 8, n: 300, reportErrors: true }, rng, i));
  const r = audit([stepCurve('x', 0.16, 300), ...nulls], { stability: false });
  const v = r.verdicts[0]!;
  expect(v.verdict).not.toBe('emergent');
  expect(v.qualifier).toMatch(/emergent before FDR/);
  expect(v.emergenceQ!).toBeGreaterThan(0.05);
  expect(v.reasons.join(' ')).toMatch(/would pass alone .* but not the audit's BH cutoff/);
  expect(r.fdr!.emergentBefore).toBeGreaterThan(r.fdr!.emergentAfter);
  // --no-fdr judges it alone again.
  expect(audit([stepCurve('x', 0.16, 300), ...nulls], { stability: false, fdr: null }).verdicts[0]!.verdict).toBe('emergent');
});

it('a strong step survives FDR control among the same null curves', () => {
  const rng = makeRng(5);
  const nulls = Array.from({ length: 300 }, (_, i) => simulateCurve({ id: 'null', truth: { kind: 'constant', p: 0.4 }, points: 8, n: 300, reportErrors: true }, rng, i));
  const v = audit([stepCurve('x', 0.6, 1000), ...nulls], { stability: false }).verdicts[0]!;
  expect(v.verdict).toBe('emergent');
  expect(v.emergenceQ!).toBeLessThanOrEqual(0.05);
});

it('Benjamini–Yekutieli is stricter than Benjamini–Hochberg', () => {
  const rng = makeRng(9);
  const curves = Array.from({ length: 50 }, (_, i) => simulateCurve({ id: 's', truth: { kind: 'step', from: 0.05, to: 0.2 }, points: 8, n: 300, reportErrors: true }, rng, i));
  const bh = audit(curves, { stability: false });
  const by = audit(curves, { stability: false, fdr: { q: 0.05, method: 'by' } });
  bh.verdicts.forEach((v, i) => expect(by.verdicts[i]!.emergenceQ!).toBeGreaterThanOrEqual(v.emergenceQ!));
  expect(by.fdr!.emergentAfter).toBeLessThanOrEqual(bh.fdr!.emergentAfter);
});

it('a fragile call names the perturbation that flips it, and re-judging that perturbation alone agrees', () => {
  const rng = makeRng(3);
  const curves = Array.from({ length: 60 }, (_, i) => simulateCurve({ id: 'sig', truth: { kind: 'sigmoid', from: 0.05, to: 0.8, sharpness: 3 }, points: 8, n: 300, reportErrors: true }, rng, i));
  const r = audit(curves, { fdr: null, seed: 1 });
  const fragile = r.verdicts.map((v, i) => [v, curves[i]!] as const).filter(([v]) => v.verdict === 'fragile');
  expect(fragile.length).toBeGreaterThan(0);
  let checkedLoo = 0;
  for (const [v, c] of fragile) {
    expect(v.stability!.leaning).toBe('emergent');
    expect(v.qualifier).toMatch(/^emergent ↔ /);
    for (const f of v.stability!.flips) {
      const m = /^without (.+)$/.exec(f.by);
      if (m === null) continue;
      const loo = verdictFor({ ...c, points: c.points.filter((p) => p.model !== m[1]) });
      expect(loo.verdict).toBe(f.verdict);
      checkedLoo++;
    }
  }
  expect(checkedLoo).toBeGreaterThan(0);
  // Robust emergent calls carry the perturbations they survived.
  for (const v of r.verdicts.filter((w) => w.verdict === 'emergent')) expect(v.stability!.flips).toEqual([]);
});

it('when no emergence p-value of the audit passes its cutoff, the reasons say so in words, not "> -∞"', () => {
  // Session 10's mirage curve: a sharp, large miss whose seeds disagree (errors from 3 seeds), so its p-value is 0.6.
  const c = curveFromArrays(P.concat([3e11]), [0, 0.0011, 0.0011, 0.391, 0.666, 1, 0.92, 0.706, 0.668], { task: 'add5', metric: 'exact_match' });
  const se = [0, 0.0011, 0.0011, 0.3, 0.33, 0, 0.08, 0.29, 0.33];
  const r = audit([{ ...c, points: c.points.map((p, i) => ({ ...p, stderr: se[i]! })) }], { stability: false });
  const v = r.verdicts[0]!;
  expect(v.verdict).toBe('smooth');
  const why = v.reasons.join('\n');
  expect(why).toMatch(/but not significant: p = [\d.]+ > 0\.01, and the audit's BH cutoff at q = 0\.05 admits no emergence p-value/);
  expect(why).not.toMatch(/∞/);
});
