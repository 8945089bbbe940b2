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
