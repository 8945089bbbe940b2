import type { Sample, SampleKind, SourceRef } from './types.js';

/**
 * A sample with only its identity filled in: every result field empty. Each source (the harness,
 * the lm-eval importer, the lab's own experiments) sets the fields its kind carries on top.
 */
export function blankSample(id: string, model: string, task: string, kind: SampleKind, source: SourceRef): Sample {
  return {
    id, model, task, exampleId: id, kind, prompt: null, output: null, targets: [], choices: null, choiceLogliks: null, gold: null,
    targetScores: null, targetTokenLogprobs: null, targetTokenGreedy: null, targetLoglik: null, attempts: null, greedy: null, source,
  };
}
