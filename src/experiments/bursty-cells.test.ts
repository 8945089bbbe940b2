import { describe, expect, it } from 'vitest';
import { baselines, cellId, firstPass, gridCells, judgeTrends, summarizeCell, tradeOff, type Cell, type CellSummary, type MemberCurve } from './bursty-cells.js';

const B = baselines(32, 8, 4, 0.5);
const curve = (cell: Cell, replicate: number, icl: number[], iwl: number[]): MemberCurve => ({
  name: `${cellId(cell)}-s${replicate}`, cell, replicate, history: icl.map((v, i) => ({ step: 100 * i, icl: v, iwl: iwl[i]!, iclLoss: 0, iwlLoss: 0 })),
});
const at = (pBursty: number, classes: number, alpha: number): Cell => ({ pBursty, classes, alpha });

describe('bursty-icl cells', () => {
  it('baselines: chance 1/L, copying B/N, thresholds halfway from each to 1', () => {
    expect(B).toEqual({ chance: 1 / 32, iclCopy: 0.5, iclThreshold: 0.75, iwlThreshold: (1 + 1 / 32) / 2 });
  });
  it('the grid is three sweeps through the base cell, each cell once with every sweep it belongs to', () => {
    const g = gridCells(at(0.9, 1024, 0), { pBursty: [0, 0.9], classes: [32, 1024], alpha: [0, 1] });
    expect(g.map((c) => [cellId(c.cell), c.factors])).toEqual([
      ['pb0-k1024-a0', ['burstiness']], ['pb0.9-k1024-a0', ['burstiness', 'classes', 'zipf']], ['pb0.9-k32-a0', ['classes']], ['pb0.9-k1024-a1', ['zipf']],
    ]);
  });
  it('first pass is the first checkpoint at or above the threshold; never is null', () => {
    const c = curve(at(1, 64, 0), 0, [0.1, 0.75, 0.5, 0.9], [0, 0, 0, 0]);
    expect(firstPass(c.history, 'icl', 0.75)).toBe(100);
    expect(firstPass(c.history, 'icl', 0.95)).toBeNull();
  });
  it('a cell is its seeds’ mean at every step, with the final spread, the peak and a transient flag', () => {
    const cell = at(0.9, 1024, 0);
    const s = summarizeCell(cell, ['burstiness'], [curve(cell, 0, [0.1, 0.8, 0.6], [0, 0.1, 0.2]), curve(cell, 1, [0.1, 0.9, 0.7], [0, 0.3, 0.4]), curve(at(0, 1024, 0), 0, [1, 1, 1], [1, 1, 1])], B);
    expect(s.seeds).toBe(2);
    expect(s.steps).toEqual([0, 100, 200]);
    expect(s.icl.map((v) => +v.toFixed(12))).toEqual([0.1, 0.85, 0.65]);
    expect(s.finalIcl.mean).toBeCloseTo(0.65, 12);
    expect([s.finalIcl.min, s.finalIcl.max]).toEqual([0.6, 0.7]);
    expect(s.peakIcl).toEqual({ value: expect.closeTo(0.85, 12), step: 100 });
    expect(s.iclFirstPass).toEqual([100, 100]);
    expect(s.iwlFirstPass).toEqual([null, null]);
    expect(s.transient).toBe(true); // 0.85 → 0.65
    expect(() => summarizeCell(at(0.5, 2, 0), [], [], B)).toThrow(/no member trained cell pb0.5-k2-a0/);
  });
  it('judges each trend on its own sweep: reproduced, not reproduced, or not testable', () => {
    const mk = (cell: Cell, factors: CellSummary['factors'], icl: number, iwl: number): CellSummary => summarizeCell(cell, factors, [curve(cell, 0, [0, icl], [0, iwl])], B);
    const chanLike = [
      mk(at(0, 1024, 0), ['burstiness'], 0.04, 0.9),
      mk(at(0.9, 1024, 0), ['burstiness', 'classes', 'zipf'], 0.85, 0.1),
      mk(at(0.9, 32, 0), ['classes'], 0.05, 1),
      mk(at(0.9, 1024, 1), ['zipf'], 0.8, 0.6),
    ];
    expect(judgeTrends(chanLike, B).map((t) => [t.trend, t.reproduced])).toEqual([['burstiness', true], ['classes', true], ['zipf', true]]);
    // A Zipf law that suppresses ICL does not give both.
    const noBoth = [...chanLike.slice(0, 3), mk(at(0.9, 1024, 1), ['zipf'], 0.2, 0.35)];
    const t = judgeTrends(noBoth, B);
    expect(t[2]!.reproduced).toBe(false);
    expect(t[2]!.evidence).toBe('α 0: ICL 0.85, IWL 0.10; α 1: ICL 0.20, IWL 0.35');
    expect(judgeTrends(chanLike.slice(1, 2), B).map((x) => x.reproduced)).toEqual([null, null, null]);
    expect(tradeOff(chanLike)).toBeLessThan(-0.5);
    expect(tradeOff(chanLike.slice(0, 2))).toBeNull();
  });
});
