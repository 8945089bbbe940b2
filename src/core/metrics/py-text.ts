/**
 * Python's str semantics where reference implementations depend on them: `str.split()` and
 * `str.rstrip()` split on every character for which `str.isspace()` is true, a different set
 * from JavaScript's `\s` (it adds U+001C–U+001F and U+0085 and leaves out U+FEFF), and
 * slicing works on code points, not UTF-16 units.
 */
const PY_SPACE = new Set<number>([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** The same set as a regex character class body (for splitting on runs, as Python's re `\s` does). */
export const PY_SPACE_CLASS = [...PY_SPACE].map((c) => `\\u{${c.toString(16)}}`).join('');

export function isPySpace(ch: string): boolean {
  return PY_SPACE.has(ch.codePointAt(0)!);
}

/** Python `s.split()` with no arguments. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (PY_SPACE.has(ch.codePointAt(0)!)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '') out.push(cur);
  return out;
}

/** Python `s.rstrip()` with no arguments. */
export function pyRstrip(s: string): string {
  const cps = Array.from(s);
  let end = cps.length;
  while (end > 0 && PY_SPACE.has(cps[end - 1]!.codePointAt(0)!)) end--;
  return cps.slice(0, end).join('');
}

/** Python `s.strip()` with no arguments. */
export function pyStrip(s: string): string {
  const cps = Array.from(pyRstrip(s));
  let start = 0;
  while (start < cps.length && PY_SPACE.has(cps[start]!.codePointAt(0)!)) start++;
  return cps.slice(start).join('');
}

/** Python's `string.punctuation`: the 32 ASCII punctuation characters. */
export const PY_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
