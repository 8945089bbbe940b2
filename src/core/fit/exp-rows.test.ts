import { expect, it } from 'vitest';
import { expRows } from './exp-rows.js';
import { powerGrid } from './power.js';
import { makeRng } from '../random/rng.js';

it('a row is Math.exp(rate · d) bit for bit, whether remembered or recomputed after its slot was reused', () => {
  const rng = makeRng(7);
  const rates = Float64Array.from({ length: 31 }, () => -3 * rng.next());
  const rows = expRows(rates, 16);
  // 40 distinct d drawn in random order: more than the 16 kept, so slots are reused and hits and misses interleave.
  const pool = Array.from({ length: 40 }, () => 10 * rng.next());
  let hits = 0;
  for (let t = 0; t < 5000; t++) {
    const d = pool[Math.floor(rng.next() * (t % 3 === 0 ? 40 : 8))]!;
    const before = rows.row(d);
    const r = rows.row(d);
    if (r === before) hits++;
    for (let j = 0; j < rates.length; j++) expect(Object.is(r[j], Math.exp(rates[j]! * d))).toBe(true);
  }
  expect(hits).toBe(5000);
  expect(Object.is(rows.row(-0)[0], 1)).toBe(true);
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
