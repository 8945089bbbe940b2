import { expect, it } from 'vitest';
import type { CurveKey } from '../types.js';
import { makeRng } from '../random/rng.js';
import { compareKeys, sortCurves } from './key.js';

it('sortCurves orders as a sort by compareKeys (ranks in place of the collator, ties kept in order)', () => {
  const rng = makeRng(5);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  // Case, accents and digits, where the collator's order is not the code points'.
  const words = ['a', 'A', 'b', 'á', 'task_10', 'task_9', 'Task_2', 'zeta', 'Éclair', 'eclair', ''];
  const curves = Array.from({ length: 3000 }, (_, i) => {
    const labels: Record<string, string> = rng.next() < 0.5 ? {} : { [pick(['deduped', 'Run', 'x'])]: pick(words) };
    const key: CurveKey = { family: pick(['Pythia', 'pythia', 'OPT', 'Ölmo']), task: pick(words), metric: pick(['acc', 'acc_norm', 'Brier']), shots: pick([null, 0, 5]), labels };
    return { key, i };
  });
  const want = [...curves].sort((a, b) => compareKeys(a.key, b.key)).map((c) => c.i);
  expect(sortCurves([...curves]).map((c) => c.i)).toEqual(want);
});
