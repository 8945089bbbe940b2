import { expect, it } from 'vitest';
import { expRows } from './exp-rows.js';
import { powerGrid } from './power.js';
import { makeRng } from '../random/rng.js';

it('a row is Math.exp(rate · d) bit for bit, remembered by d, and recomputed the same after the memo is dropped', () => {
  const rng = makeRng(7);
  const rates = Float64Array.from({ length: 31 }, () => -3 * rng.next());
  const rows = expRows(rates);
  const ds = Array.from({ length: 5000 }, () => 10 * rng.next());
  const first = rows.row(ds[0]!);
  for (const d of ds) {
    const r = rows.row(d);
    for (let j = 0; j < rates.length; j++) expect(Object.is(r[j], Math.exp(rates[j]! * d))).toBe(true);
  }
  // 5,000 distinct d filled the memo past its bound: the first row was dropped, and is rebuilt equal.
  const again = rows.row(ds[0]!);
  expect(again).not.toBe(first);
  expect(Array.from(again)).toEqual(Array.from(first));
  expect(rows.row(ds[0]!)).toBe(again);
});

it('powerGrid from remembered rows holds the exponentials it always computed', () => {
  const x = [7, 7.4, 7.9, 8.5, 9, 9.6, 10.2, 11];
  for (let pass = 0; pass < 2; pass++) {
    const g = powerGrid(x);
    for (let k = 0; k < 31; k++) {
      const b = -Math.exp(Math.log(0.01) + k * ((Math.log(3) - Math.log(0.01)) / 30)); // the grid's exponents, as powerGrid formed them before the rows
      for (let i = 0; i < x.length; i++) expect(Object.is(g.basis[k * x.length + i], Math.exp(b * (Math.LN10 * (x[i]! - 7))))).toBe(true);
    }
  }
});

it('powerGrid serves one grid to every curve on the same points, and its own to any other', () => {
  const a = powerGrid([7, 8, 9, 10]);
  expect(powerGrid(Float64Array.of(7, 8, 9, 10))).toBe(a);
  const b = powerGrid([7, 8, 9, 10.5]);
  expect(b).not.toBe(a);
  const b3 = -Math.exp(Math.log(0.01) + 3 * ((Math.log(3) - Math.log(0.01)) / 30));
  expect(Object.is(b.basis[3 * 4 + 3], Math.exp(b3 * (Math.LN10 * 3.5)))).toBe(true);
  expect(powerGrid([7, 8, 9])).not.toBe(a);
});
