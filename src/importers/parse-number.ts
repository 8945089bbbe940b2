/** Parse a number cell: plain decimal or exponent; returns null for an empty cell, NaN for garbage. */
export function parseNumberCell(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  if (plainDecimal(t)) return Number(t);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity|nan)$/i.test(t)) return NaN;
  const lower = t.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return NaN;
  return Number(t);
}

/** [+-]digits[.digits][e[+-]digits], checked by hand: the regex below costs more than the parse on a million rows. */
function plainDecimal(t: string): boolean {
  let i = 0;
  const n = t.length;
  let c = t.charCodeAt(0);
  if (c === 43 || c === 45) c = t.charCodeAt(++i);
  let digits = 0;
  while (c >= 48 && c <= 57) { digits++; c = t.charCodeAt(++i); }
  if (c === 46) {
    c = t.charCodeAt(++i);
    while (c >= 48 && c <= 57) { digits++; c = t.charCodeAt(++i); }
  }
  if (digits === 0) return false;
  if (c === 101 || c === 69) {
    c = t.charCodeAt(++i);
    if (c === 43 || c === 45) c = t.charCodeAt(++i);
    let e = 0;
    while (c >= 48 && c <= 57) { e++; c = t.charCodeAt(++i); }
    if (e === 0) return false;
  }
  return i === n;
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

/** Parameter counts: a number, or a number with a K/M/B/T suffix ("70M", "1.4B"). */
export function parseParamsCell(s: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  const last = t.charCodeAt(t.length - 1);
  if ((last >= 48 && last <= 57) || last === 46) return parseNumberCell(t);
  const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*([kKmMbBtT])$/.exec(t);
  if (m) return Number(m[1]! + (m[2] ?? '')) * SUFFIX[m[3]!.toLowerCase()]!;
  return parseNumberCell(t);
}

export function parseBoolCell(s: string): boolean | null | 'invalid' {
  const t = s.trim().toLowerCase();
  if (t === '') return null;
  if (t === 'true' || t === '1' || t === 'yes') return true;
  if (t === 'false' || t === '0' || t === 'no') return false;
  return 'invalid';
}
