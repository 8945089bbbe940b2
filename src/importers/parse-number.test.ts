import { expect, it } from 'vitest';
import { parseNumberCell, parseParamsCell } from './parse-number.js';
it('fast path agrees with the regex', () => {
  const ref = (t0: string) => { const t = t0.trim(); if (t === '') return null; if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity|nan)$/i.test(t)) return NaN; const l = t.toLowerCase().replace(/^\+/, ''); if (l === 'inf' || l === 'infinity') return Infinity; if (l === '-inf' || l === '-infinity') return -Infinity; if (l === 'nan' || l === '-nan') return NaN; return Number(t); };
  for (const c of ['1', '-1', '+1.5', '.5', '5.', '1e3', '1E-3', '1e', 'e3', '.', '-', '+', '1.2.3', ' 7 ', '0x10', '1_0', 'inf', '-Infinity', 'nan', '1e+', '--1', '', '12b', '3.0e+10', '١']) {
    expect(Object.is(parseNumberCell(c), ref(c)), c).toBe(true);
  }
  expect(parseParamsCell('1.4B')).toBe(1.4e9);
  expect(parseParamsCell('70M')).toBe(7e7);
  expect(parseParamsCell('1e8')).toBe(1e8);
});

it("a number parsed where it lies in the bytes is Number()'s, bit for bit, whatever the cell", async () => {
  const { parseNumberBytes, parseParamsBytes } = await import('./parse-number.js');
  const { makeRng } = await import('../core/random/rng.js');
  const cases = ['1', '-1', '+1.5', '.5', '5.', '-0', '0.000', '1e3', '1E-3', '1e', 'e3', '.', '-', '+', '1.2.3', ' 7 ', '7 ', '0x10', '1_0', 'inf', '-Infinity', 'nan',
    '1e+', '--1', '', '12b', '3.0e+10', '١', '0.1', '0.3', '123456789012345', '1234567890123456', '9007199254740993', '0.000000000000000000001', '1e22', '1e23', '1e-22', '1e-23',
    '4.35e-1', '1.7976931348623157e308', '2.2250738585072014e-308', '5e-324', '1e999', '1e0000001', '70000000', '12000000000', '0.250000', '00012.5000',
    '1.4B', '70M', ' 1e8', '2.8b ', '160m', '1e8 ', '\u00a01'];
  const rng = makeRng(7);
  for (let i = 0; i < 20000; i++) {
    // random decimals of 1–18 digits with a point and an exponent somewhere: both sides of the fast path's limits
    const digits = Array.from({ length: 1 + Math.floor(rng.next() * 18) }, () => String(Math.floor(rng.next() * 10))).join('');
    const point = Math.floor(rng.next() * (digits.length + 1));
    let s = `${rng.next() < 0.2 ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
    if (rng.next() < 0.4) s += `e${Math.floor(rng.next() * 60) - 30}`;
    cases.push(s);
  }
  // Written into a column, from inside a longer record: NaN and false for an empty cell.
  const out = new Float64Array(3);
  const bytesAt = (cell: string, f: typeof parseNumberBytes): number | null => {
    const b = Buffer.from(`,x${cell}y,`, 'utf8');
    return f(b, 2, b.length - 2, out, 1) ? out[1]! : (expect(out[1]).toBeNaN(), null);
  };
  for (const c of cases) {
    expect(Object.is(bytesAt(c, parseNumberBytes), parseNumberCell(c)), c).toBe(true);
    expect(Object.is(bytesAt(c, parseParamsBytes), parseParamsCell(c)), c).toBe(true);
  }
  for (const c of ['1.4B', '70M', ' 1e8', '2.8b ', '160m']) expect(bytesAt(c, parseParamsBytes)).toBe(parseParamsCell(c));
});
