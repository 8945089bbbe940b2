import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { DOMAIN_ALPHABET, DOMAINS, domainRow, exampleLine, heldOutAdditions, isHeldOut } from './domain-mix.js';

describe('the four-domain corpus', () => {
  it('writes each domain in its own form, within the alphabet', () => {
    const rng = makeRng(4);
    const forms: Record<string, RegExp> = {
      arithmetic: /^\d\d\+\d\d=\d\d\d\n$/, grammar: /^(the|a) ([a-z]+ )?[a-z]+ [a-z]+ (the|a) ([a-z]+ )?[a-z]+\.\n$/, copy: /^([a-z]{3,5})\|\1\n$/, cipher: /^[a-z]{3,5}>[a-z]{3,5}\n$/,
    };
    for (const d of DOMAINS) for (let i = 0; i < 200; i++) {
      const line = exampleLine(d, rng);
      expect(line).toMatch(forms[d]!);
      for (const c of line) expect(DOMAIN_ALPHABET).toContain(c);
    }
    // The cipher is a shift of 3, wrapping: "xyz" → "abc".
    const c = exampleLine('cipher', makeRng(9));
    const [plain, code] = c.trim().split('>');
    expect(Array.from(plain!, (ch) => String.fromCharCode(((ch.charCodeAt(0) - 97 + 3) % 26) + 97)).join('')).toBe(code);
    // Sums are right.
    const a = exampleLine('arithmetic', makeRng(2));
    expect(Number(a.slice(0, 2)) + Number(a.slice(3, 5))).toBe(Number(a.slice(6, 9)));
  });

  it('never trains on a held-out addition; about one in five is held out', () => {
    const held = heldOutAdditions();
    expect(held.length).toBe(2000);
    expect(held.every((p) => isHeldOut(Number(p.prompt.slice(0, 2)), Number(p.prompt.slice(3, 5))))).toBe(true);
    const rng = makeRng(1);
    for (let i = 0; i < 5000; i++) {
      const l = exampleLine('arithmetic', rng);
      expect(isHeldOut(Number(l.slice(0, 2)), Number(l.slice(3, 5)))).toBe(false);
    }
  });

  it('a row is whole lines of one domain, cut at its length, the same for the same seed', () => {
    const r = domainRow('copy', 33, makeRng(5));
    expect(r).toHaveLength(33);
    expect(r).toBe(domainRow('copy', 33, makeRng(5)));
    for (const line of r.split('\n').slice(0, -1)) expect(line).toMatch(/^([a-z]+)\|\1$/);
  });
});
