import { describe, expect, it } from 'vitest';
import { makeRng } from '../core/random/rng.js';
import { numberAfterMarker } from './prompt.js';
import { additionTestExamples, completionFor, drawProblem, extractAdditionAnswer, scratchpadSteps, TEST_SHARE } from './scratchpad.js';

describe('the scratchpad format', () => {
  it('writes right-to-left digit steps with carries, then the answer after the marker', () => {
    expect(scratchpadSteps('123', '459')).toBe('3+9+0=12,2+5+1=08,1+4+0=05,');
    expect(completionFor('scratchpad', '123', '459')).toBe('3+9+0=12,2+5+1=08,1+4+0=05,#582\n');
    expect(completionFor('scratchpad', '99', '99')).toBe('9+9+0=18,9+9+1=19,#198\n');
    expect(completionFor('direct', '99', '99')).toBe('198\n');
    expect(completionFor('scratchpad', '5', '4')).toBe('5+4+0=09,#9\n');
    expect(() => scratchpadSteps('12', '3')).toThrow(/one length/);
  });
  it('extracts the answer a model committed to, from well-formed and malformed generations', () => {
    expect(extractAdditionAnswer('scratchpad', '3+9+0=12,2+5+1=08,1+4+0=05,#582')).toBe('582');
    expect(extractAdditionAnswer('scratchpad', '3+9+0=12,2+5+1=08,1+4+0=05,582')).toBe(''); // no marker
    expect(extractAdditionAnswer('scratchpad', '3+9+0=12,#582#99')).toBe('582'); // several markers: the first
    expect(extractAdditionAnswer('scratchpad', '#582,1+4=5 and more')).toBe('582'); // trailing text
    expect(extractAdditionAnswer('scratchpad', '1+4+0=05,#')).toBe(''); // marker, no number
    expect(extractAdditionAnswer('scratchpad', '')).toBe('');
    expect(extractAdditionAnswer('direct', '582\n')).toBe('582');
    expect(extractAdditionAnswer('direct', ' 58x2')).toBe('58');
    expect(extractAdditionAnswer('direct', '#582')).toBe('');
    expect(numberAfterMarker('so 3 + 4 = 7.\n#### 1,234 dollars', '####')).toBe('1234');
    expect(numberAfterMarker('#### -2.5', '####')).toBe('-2.5');
    expect(numberAfterMarker('#582,1+4', '#')).toBe('582');
  });
  it('splits problems into train and test by a hash, disjointly, at every length', () => {
    const test = new Set(additionTestExamples([1, 2, 3], 8, 5).map((e) => e.id));
    expect(test.size).toBe(24);
    const rng = makeRng(1);
    for (let i = 0; i < 3000; i++) {
      const { a, b } = drawProblem(1 + (i % 3), 'train', () => rng.next());
      expect(a.length).toBe(1 + (i % 3));
      expect(test.has(`${a}+${b}`)).toBe(false);
    }
    // All 90 x 90 two-digit problems: about TEST_SHARE of them are held out.
    const all = new Set<string>();
    const r2 = makeRng(2);
    for (let i = 0; i < 20_000; i++) {
      const { a, b } = drawProblem(2, 'test', () => r2.next());
      all.add(`${a}+${b}`);
    }
    expect(Math.abs(all.size / 8100 - TEST_SHARE)).toBeLessThan(0.02);
    const ex = additionTestExamples([7], 3, 9);
    expect(ex.map((e) => e.targets[0])).toEqual(ex.map((e) => String(e.id.split('+').map(BigInt).reduce((x, y) => x + y))));
  });
});
