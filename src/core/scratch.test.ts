import { describe, expect, it } from 'vitest';
import { scratchArrays } from './scratch.js';
import { fitPower } from './fit/power.js';
import { fitSigmoid } from './fit/sigmoid.js';
import { spearman } from './stats/describe.js';
import { shapeMeasures } from './analysis/measures.js';

describe('scratchArrays', () => {
  it('gives each length its own set of exactly that length, the same set each time', () => {
    const take = scratchArrays(2);
    const [a, b] = take(10);
    expect(a!.length).toBe(10);
    expect(b!.length).toBe(10);
    expect(a).not.toBe(b);
    expect(take(10)[0]).toBe(a);
    expect(take(9)[0]!.length).toBe(9);
    expect(scratchArrays(2)(10)[0]).not.toBe(a);
  });

  it("the fits, ranks and shape measures that use scratch do not depend on what it last held", () => {
    const x = [7, 7.5, 8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5];
    const y1 = [0.1, 0.12, 0.15, 0.2, 0.3, 0.45, 0.6, 0.7, 0.75, 0.77];
    const y2 = [0.9, -3, 12, 0.5, 7, -1, 4, 4, 2, 100];
    const run = (y: number[]) => ({
      power: fitPower(x, y, 1, [0, 1]),
      sigmoid: fitSigmoid(x, y, 1, [0, 1]),
      spearman: spearman(x, y),
      shape: shapeMeasures(y, x),
    });
    const first = run(y1);
    run(y2);
    expect(run(y1)).toEqual(first);
    // the same values as on a fresh copy of the inputs
    expect(run([...y1])).toEqual(first);
  });
});
