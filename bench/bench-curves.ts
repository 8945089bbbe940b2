/** The synthetic curves of bench:audit, shared with scripts/audit-verdicts.mjs so both judge the same 100,000. */
import { curveFromArrays } from '../src/core/curves/synthetic.js';
import type { Rng } from '../src/core/random/rng.js';
import type { Curve } from '../src/core/types.js';

export const POINTS = 10;
const P = Array.from({ length: POINTS }, (_, i) => 10 ** (7 + (4 * i) / (POINTS - 1)));

/** A mix of the shapes the audit meets: steps, lines, sigmoids, flat lines and noise. */
export function makeCurves(count: number, rng: Rng): Curve[] {
  const out: Curve[] = [];
  for (let c = 0; c < count; c++) {
    const kind = c % 5;
    const noise = 0.01 + 0.05 * rng.next();
    const mid = 7.5 + 3 * rng.next();
    const vals = P.map((p) => {
      const x = Math.log10(p);
      const base =
        kind === 0 ? (x < mid ? 0.02 : 0.7) :
        kind === 1 ? 0.08 * (x - 7) + 0.1 :
        kind === 2 ? 0.9 / (1 + Math.exp(-2 * (x - mid))) :
        kind === 3 ? 0.25 : 0.5;
      return base + noise * rng.normal() * (kind === 4 ? 5 : 1);
    });
    out.push(curveFromArrays(P, vals, { metric: 'acc', task: `t${c}` }));
  }
  return out;
}

