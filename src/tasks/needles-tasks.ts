import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import type { Example, Task } from '../core/types.js';
import { other, pairText, ZERO_SHOT_MARKER } from './needles-corpus.js';
import { drawTestSentence, drawTrainSentence, render, type Lang, type LanguagePair } from './toy-language.js';

/**
 * The translation tasks of the needles experiment. Zero-shot, the prompt is the source sentence and
 * the marker the corpus joins pairs with, "<A sentence>. in b: ", as Briakou et al. prompt PaLM; few-
 * shot, `shots` translation pairs of training sentences come first, one per line as documents are
 * in the corpus. The answer is the target sentence up to its period. Test sentences are held out of
 * the corpus; shots are training sentences, drawn per example from the seed, redrawn until the
 * prompt and the longest answer fit the model's context.
 */
export const LONGEST_SENTENCE = 29;

export const taskIdOf = (from: Lang, shots: number): string => `${from}-to-${other(from)}-${shots}shot`;

export interface TranslationTaskSpec {
  readonly from: Lang;
  readonly shots: number;
  readonly count: number;
  /** The model's context: prompt plus answer (and its stop character) must fit. */
  readonly context: number;
  readonly seed: number;
}

export function translationTask(pair: LanguagePair, s: TranslationTaskSpec): Task {
  const to = other(s.from), marker = ZERO_SHOT_MARKER[to];
  // The same test sentences in every task of the seed (both directions, any shots), so only the prompt differs.
  const rng = makeRng(deriveSeed(s.seed, 'test-sentences'));
  const room = s.context - LONGEST_SENTENCE - 1;
  const examples: Example[] = [];
  for (let i = 0; i < s.count; i++) {
    const sentence = drawTestSentence(pair, rng);
    const query = `${render(pair, sentence, s.from)}.${marker}`;
    const shotRng = makeRng(deriveSeed(s.seed, 'shots', s.from, i));
    let input = query;
    for (let tries = 0; ; tries++) {
      if (tries === 1000) throw new RangeError(`${s.shots} shots do not fit a context of ${s.context}`);
      const shots = Array.from({ length: s.shots }, () => `${pairText(pair, drawTrainSentence(pair, shotRng), s.from, marker)}\n`);
      input = shots.join('') + query;
      if (input.length <= room) break;
    }
    examples.push({ id: `${taskIdOf(s.from, s.shots)}-${i}`, input, targets: [render(pair, sentence, to)], choices: null, targetScores: null });
  }
  return {
    id: taskIdOf(s.from, s.shots), kind: 'generate', examples, shotPool: null,
    format: { taskPrefix: '', inputPrefix: '', outputPrefix: '', separator: '\n' },
    outputRegex: null, metrics: ['chrf', 'exact_match'], preferredMetric: 'chrf',
    source: `toy languages (cipher seed ${pair.seed}), ${s.from} to ${to}, ${s.shots} shots`,
  };
}
