import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { fdrCutoff, fdrQValues } from './fdr.js';

interface G { source: string; cases: { p: number[]; bh: number[]; by: number[] }[] }
const g = JSON.parse(readFileSync(new URL('../../../test/golden/fdr.json', import.meta.url), 'utf8')) as G;

it(`q-values match ${g.source} (BH and BY) to 1e-12`, () => {
  let worst = 0;
  for (const c of g.cases) {
    for (const method of ['bh', 'by'] as const) {
      const q = fdrQValues(c.p, method);
      c[method].forEach((ref, i) => (worst = Math.max(worst, Math.abs(q[i]! - ref))));
    }
  }
  console.log(`fdr: largest |q - scipy| = ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(1e-12);
});

it('the cutoff rejects exactly the hypotheses whose q-value is at most q', () => {
  for (const c of g.cases) {
    for (const method of ['bh', 'by'] as const) {
      for (const q of [0.01, 0.05, 0.2]) {
        const cut = fdrCutoff(c.p, q, method);
        const byQ = c[method].map((v) => v <= q + 1e-15);
        const byCut = c.p.map((v) => v <= cut);
        expect(byCut).toEqual(byQ);
      }
    }
  }
});

it('hand-computed BH: p = (0.01, 0.04, 0.03, 0.5) gives q = (0.04, 0.0533, 0.0533, 0.5)', () => {
  const q = fdrQValues([0.01, 0.04, 0.03, 0.5]);
  expect([...q].map((v) => Number(v.toFixed(4)))).toEqual([0.04, 0.0533, 0.0533, 0.5]);
  expect(fdrCutoff([0.01, 0.04, 0.03, 0.5], 0.05)).toBe(0.01);
  expect(fdrCutoff([0.2, 0.3], 0.05)).toBe(-Infinity);
  expect(fdrCutoff([0, 0.3], 0.05)).toBe(0);
});
