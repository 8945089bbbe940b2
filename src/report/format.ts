import { axisValue, type ScaleAxis } from '../core/curves/axis.js';

/** Number formatting shared by the table and CSV: 3 significant digits, ∞ spelled out. */
export function fmtNum(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '-';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

/** 70426624 → 70.4M: parameter counts as people say them. */
export function fmtParams(p: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [u, s] of units) if (p >= u) return `${Number((p / u).toPrecision(3))}${s}`;
  return String(p);
}

/** A position on a curve's scale axis, in the axis's own units: 1.4B parameters, 2.1T tokens, 3.2e21 FLOPs, step 7200, loss 2.83. */
export function fmtAxis(axis: ScaleAxis | undefined, position: number): string {
  const kind = axis?.kind ?? 'params';
  if (kind === 'params' || kind === 'tokens') return fmtParams(position);
  if (kind === 'step') return String(Math.round(position));
  if (kind === 'flops') return position.toExponential(2);
  return fmtNum(axisValue(axis, position), 4);
}

/** JSON cannot hold ±Infinity or NaN: spell them as strings so nothing turns silently into null. */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

/** What a back-test step forecast from, in words: "power fit ≤2.8B", "no change from 2.8B", with "; at chance 0.25" when the floor lifted it. */
export function forecastBasis(s: { rule: 'no_change' | 'law'; form: string; floor: number | null; largestPredicted: number }, upTo: string): string {
  const basis = s.rule === 'no_change' ? `no trend: no change from ${upTo}` : `${s.form} fit ≤${upTo}`;
  return s.floor !== null && s.largestPredicted === s.floor ? `${basis}; at chance ${fmtNum(s.floor)}` : basis;
}
