import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import type { ArithTrainConfig } from '../zoo/train-arith.js';
import { memberLr, mirageArithmetic, MIRAGE_SIZES, ONE_LAYER } from './mirage-arithmetic.js';

// The plan's rules one at a time: one member per size, the same steps for all unless a test says otherwise.
const quick = { ...mirageArithmetic.budgets.quick.params, seeds: 1, stepsExponent: 0 };
const cfgOf = (m: { spec: unknown }): ArithTrainConfig => (m.spec as { cfg: ArithTrainConfig }).cfg;

describe('mirage-arithmetic plan', () => {
  it('a member of width C > W trains at lr·(W/C)^e: W itself and narrower keep lr, four times W halves it at e = 1/2', () => {
    expect(memberLr(3e-3, 48, 0.5, 48)).toBe(3e-3);
    expect(memberLr(3e-3, 8, 0.5, 48)).toBe(3e-3);
    expect(memberLr(3e-3, 192, 0.5, 48)).toBeCloseTo(1.5e-3, 15);
    expect(memberLr(3e-3, 256, 0, 48)).toBe(3e-3);
    const plan = mirageArithmetic.plan({ ...quick, sizes: ['xxs', 'm', 'xl'], lrWidth: 32, lrWidthExponent: 0.5 }, 1);
    // xxs is 8 wide, m 48, xl 128.
    expect(plan.members.map((m) => cfgOf(m).lr)).toEqual([3e-3, 3e-3 * Math.sqrt(32 / 48), 3e-3 * Math.sqrt(32 / 128)]);
    expect(MIRAGE_SIZES.xxs!.nEmbd).toBe(8);
  });

  it('multiplication: the members learn mul, and the test split of 2-digit operands bounds --eval-count', () => {
    const plan = mirageArithmetic.plan({ ...quick, operation: 'mul', digits: 2, evalCount: 729 }, 1);
    expect(plan.members.every((m) => cfgOf(m).operation === 'mul')).toBe(true);
    expect(plan.operation).toBe('mul');
    // A tenth of 90² problems is test, and the generator draws at most 90% of a split: 729.
    const tooMany = (): unknown => mirageArithmetic.plan({ ...quick, operation: 'mul', digits: 2, evalCount: 730 }, 1);
    expect(tooMany).toThrow(ConfigError);
    expect(tooMany).toThrow(/730 test problems asked of 2-digit mul, whose test split holds at most 729/);
    try {
      tooMany();
    } catch (e) {
      expect((e as ConfigError).field).toBe('--eval-count');
    }
  });

  it('the one-layer ladder varies width alone, and --answer-order lsd trains every member on reversed answers', () => {
    const names = Object.keys(ONE_LAYER);
    expect(names.every((n) => MIRAGE_SIZES[n] === ONE_LAYER[n] && ONE_LAYER[n]!.nLayer === 1)).toBe(true);
    const widths = names.map((n) => ONE_LAYER[n]!.nEmbd);
    widths.forEach((w, i) => { if (i > 0) expect(Math.log10(w / widths[i - 1]!)).toBeLessThanOrEqual(0.18); });
    for (const n of names) expect(ONE_LAYER[n]!.nEmbd % ONE_LAYER[n]!.nHead).toBe(0);
    const lsd = mirageArithmetic.plan({ ...quick, sizes: ['w8', 'w32'], answerOrder: 'lsd' }, 1);
    expect(lsd.members.map((m) => cfgOf(m).reverseAnswer)).toEqual([true, true]);
    expect(lsd.reverse).toBe(true);
    const msd = mirageArithmetic.plan({ ...quick, sizes: ['w8', 'w32'], answerOrder: 'msd' }, 1);
    expect(msd.members.some((m) => cfgOf(m).reverseAnswer)).toBe(false);
  });

  it('the budgets train the one-layer ladder w3 … w48 (two decades, ≤ 0.18 decades apart) on reversed 5-digit sums, several seeds per size', () => {
    for (const b of [mirageArithmetic.budgets.quick.params, mirageArithmetic.budgets.full.params]) {
      const plan = mirageArithmetic.plan(b, 1);
      const params = b.sizes.map((s) => plan.members.find((m) => plan.sizeOf[m.name] === s)!).map((m) => cfgOf(m).model.nEmbd);
      expect(params).toEqual([3, 4, 6, 8, 12, 16, 24, 32, 48]);
      expect(plan.members.every((m) => cfgOf(m).reverseAnswer === true && cfgOf(m).digits === 5 && cfgOf(m).model.nLayer === 1)).toBe(true);
      expect(plan.members).toHaveLength(9 * b.seeds);
      // Steps grow as N^0.2 from 1,200 at w3 (252 parameters) to w48 (29,952): 1,200 · (29952/252)^0.2.
      expect(plan.stepsOf.w3).toBe(1200);
      expect(plan.stepsOf.w48).toBe(Math.round(1200 * (29952 / 252) ** 0.2));
    }
    expect(mirageArithmetic.budgets.full.params.evalCount).toBeGreaterThanOrEqual(1000);
  });

  it('--steps-exponent e: a member of N parameters trains steps·(N/N₀)^e steps, N₀ the smallest size', () => {
    // 5-digit addition: w8 has 1,152 parameters and w32 13,824 (the trained members' counts in session 10's run).
    const plan = mirageArithmetic.plan({ ...quick, sizes: ['w32', 'w8'], digits: 5, steps: 1000, stepsExponent: 0.5, seeds: 2 }, 1);
    expect(plan.members.map((m) => [m.name, cfgOf(m).steps])).toEqual([['w32-r0', Math.round(1000 * Math.sqrt(13824 / 1152))], ['w32-r1', 3464], ['w8-r0', 1000], ['w8-r1', 1000]]);
    expect(mirageArithmetic.plan({ ...quick, sizes: ['w8', 'w32'], digits: 5, steps: 1000 }, 1).members.map((m) => cfgOf(m).steps)).toEqual([1000, 1000]);
  });
});
