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

/** Exact powers of ten: up to 1e22 every one is a double, so m·10^e and m/10^e round once (Clinger 1990). */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * parseNumberCell(b.toString('utf8', start, end)) without decoding, written into out[at] (NaN
 * for garbage); returns false for an empty cell (out[at] is then NaN). Written, not returned: a
 * double returned from a call is a heap object, and a million rows have ten numbers each. A plain
 * decimal of at most 15 significant digits and an exponent within ±22 is m·10^e or m/10^e of two
 * exact doubles, so one correctly rounded operation gives Number()'s answer (Clinger's fast
 * path); anything else (spaces, more digits, inf, garbage) is decoded and goes through
 * parseNumberCell.
 */
export function parseNumberBytes(b: Buffer, start: number, end: number, out: Float64Array, at: number): boolean {
  if (start >= end) {
    out[at] = NaN;
    return false;
  }
  let i = start;
  let c = b[i]!;
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    c = ++i < end ? b[i]! : -1;
  }
  let m = 0;
  let significant = 0;
  let digits = 0;
  let scale = 0;
  while (c >= 48 && c <= 57) {
    if (significant > 0 || c !== 48) {
      m = m * 10 + (c - 48);
      significant++;
    }
    digits++;
    c = ++i < end ? b[i]! : -1;
  }
  if (c === 46) {
    c = ++i < end ? b[i]! : -1;
    while (c >= 48 && c <= 57) {
      if (significant > 0 || c !== 48) {
        m = m * 10 + (c - 48);
        significant++;
      }
      digits++;
      scale--;
      c = ++i < end ? b[i]! : -1;
    }
  }
  if (digits > 0 && (c === 101 || c === 69)) {
    c = ++i < end ? b[i]! : -1;
    let sign = 1;
    if (c === 43 || c === 45) {
      sign = c === 45 ? -1 : 1;
      c = ++i < end ? b[i]! : -1;
    }
    let e = 0;
    let eDigits = 0;
    while (c >= 48 && c <= 57 && eDigits < 6) {
      e = e * 10 + (c - 48);
      eDigits++;
      c = ++i < end ? b[i]! : -1;
    }
    if (eDigits === 0) return slowInto(parseNumberCell(b.toString('utf8', start, end)), out, at);
    scale += sign * e;
  }
  if (i !== end || digits === 0 || significant > 15 || scale > 22 || scale < -22) return slowInto(parseNumberCell(b.toString('utf8', start, end)), out, at);
  const v = scale >= 0 ? m * POW10[scale]! : m / POW10[-scale]!;
  out[at] = negative ? -v : v;
  return true;
}

function slowInto(v: number | null, out: Float64Array, at: number): boolean {
  out[at] = v === null ? NaN : v;
  return v !== null;
}

/** parseParamsCell on UTF-8 bytes into out[at], the plain-number case without decoding (as parseNumberBytes). */
export function parseParamsBytes(b: Buffer, start: number, end: number, out: Float64Array, at: number): boolean {
  if (start >= end) {
    out[at] = NaN;
    return false;
  }
  const last = b[end - 1]!;
  const head = b[start]!;
  if (((last >= 48 && last <= 57) || last === 46) && head !== 32 && head !== 9) return parseNumberBytes(b, start, end, out, at);
  return slowInto(parseParamsCell(b.toString('utf8', start, end)), out, at);
}
