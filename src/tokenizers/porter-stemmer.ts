import { stemmer } from 'stemmer';
import { createReferenceMetric } from '../core/metrics/reference-metric.js';

/**
 * Porter's (1980) stemmer through the `stemmer` package (wooorm, pinned in package.json), for
 * rouge-score's use_stemmer. rouge-score calls NLTK's PorterStemmer in its default
 * NLTK_EXTENSIONS mode, which departs from Porter's original in a few rules (y → i only after a
 * consonant, -alli → -al, a pool of irregular forms such as "dying" → "die"); the package follows
 * the original, so stems differ on about 1% of English words (94 of 8,127 distinct words measured;
 * docs/metrics.md). Core takes the stemmer as a function and imports no package: this adapter
 * binds it, and the package entry exports the bound referenceMetric.
 */
export const porterStem = (word: string): string => stemmer(word);

export const referenceMetric = createReferenceMetric({ stemmer: porterStem });
