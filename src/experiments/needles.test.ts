import { describe, expect, it } from 'vitest';
import { conditionsOf, needles } from './needles.js';

describe('needles conditions and plan', () => {
  it('makes full, no-pairs and none from the bilingual and pair shares, then one condition per dose', () => {
    const c = conditionsOf(0.014, 0.4, [0.0224, 0.0014]);
    expect(c.map((x) => x.id)).toEqual(['full', 'no-pairs', 'none', 'dose-0.14pct', 'dose-2.24pct']);
    expect(c[0]!.mix.pairs).toBeCloseTo(0.0056, 15);
    expect(c[0]!.mix.juxtapositions).toBeCloseTo(0.0084, 15);
    // no-pairs keeps all the bilingual text, as juxtapositions.
    expect(c[1]!.mix).toEqual({ pairs: 0, juxtapositions: 0.014 });
    expect(c[2]!.mix).toEqual({ pairs: 0, juxtapositions: 0 });
    for (const d of c.slice(3)) expect(d.mix.juxtapositions).toBeCloseTo(0.0084, 15);
  });
  it('drops a dose equal to the full condition\'s share (it is the full condition) and refuses one that exceeds all documents', () => {
    expect(conditionsOf(0.014, 0.4, [0.014 * 0.4]).map((x) => x.id)).toEqual(['full', 'no-pairs', 'none']);
    expect(() => conditionsOf(0.5, 0.2, [0.7])).toThrow(/dose 0.7/);
  });
  it('trains every size once per condition on one language pair and one row seed', () => {
    const p = needles.plan({ ...needles.budgets.quick.params, sizes: ['n25k', 'n60k'], doses: [0.1] }, 3);
    expect(p.members.map((m) => m.name)).toEqual(['n25k-full', 'n60k-full', 'n25k-no-pairs', 'n60k-no-pairs', 'n25k-none', 'n60k-none', 'n25k-dose-10pct', 'n60k-dose-10pct']);
    const cfgs = p.members.map((m) => (m.arch === 'needles' ? m.spec.cfg : null)!);
    expect(new Set(cfgs.map((c) => c.languageSeed)).size).toBe(1);
    expect(new Set(cfgs.map((c) => c.seed)).size).toBe(1);
    expect(needles.plan({ ...needles.budgets.quick.params, sizes: ['n25k'], doses: [0.1] }, 4).languageSeed).not.toBe(p.languageSeed);
  });
});
