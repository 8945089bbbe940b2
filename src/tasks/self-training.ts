import { tally } from './prompt.js';

/**
 * Which of a model's own sampled reasoning paths it is fine-tuned on (seed 002, Huang et al. 2022,
 * "Large Language Models Can Self-Improve"): for each unlabelled question, m paths; the majority
 * filter keeps a question when its top answer has a clear majority (vote share at least `minShare`,
 * not tied, not "no answer") and keeps the distinct paths that reach it. Two controls share the
 * pipeline: no filter (every distinct path, right or wrong) and an oracle (only the distinct paths
 * whose answer is right, the upper bound). The labels enter only the oracle and the measures of
 * precision: the majority and no-filter sets are made from the paths alone.
 */
export type PathFilter = 'majority' | 'all' | 'oracle';
export const PATH_FILTERS: readonly PathFilter[] = ['majority', 'all', 'oracle'];

/** One unlabelled question and the paths sampled for it. */
export interface PoolSample {
  readonly id: string;
  readonly prompt: string;
  readonly paths: readonly string[];
}

/** A path kept for training, with the answer it reaches (its pseudo-label). */
export interface KeptPath {
  readonly id: string;
  readonly prompt: string;
  readonly path: string;
  readonly answer: string;
}

export interface Selection {
  readonly kept: readonly KeptPath[];
  /** Questions with at least one kept path, over the pool's questions. */
  readonly keptFraction: number;
  /** Kept paths whose answer is right, over the kept paths (null when none is kept). */
  readonly precision: number | null;
}

/** The distinct paths (first occurrence order) whose extracted answer is `answer`. */
export function distinctPathsReaching(paths: readonly string[], extract: (path: string) => string, answer: string): string[] {
  return [...new Set(paths.filter((p) => extract(p) === answer))];
}

/** The majority filter's pseudo-label for one question, or null when there is no clear majority. */
export function majorityLabel(answers: readonly string[], minShare: number): string | null {
  const t = tally(answers);
  return t.answer === '' || t.tied || t.share < minShare ? null : t.answer;
}

function keptBy(filter: PathFilter, s: PoolSample, extract: (path: string) => string, minShare: number, label: () => string): KeptPath[] {
  const of = (path: string): KeptPath => ({ id: s.id, prompt: s.prompt, path, answer: extract(path) });
  switch (filter) {
    case 'majority': {
      const m = majorityLabel(s.paths.map(extract), minShare);
      return m === null ? [] : distinctPathsReaching(s.paths, extract, m).map(of);
    }
    case 'all': return [...new Set(s.paths)].map(of);
    case 'oracle': return distinctPathsReaching(s.paths, extract, label()).map(of);
  }
}

/**
 * The kept set of each filter over the pool, with its kept fraction and pseudo-label precision.
 * `labels` (question id → right answer) is read by the oracle and by the precision only.
 */
export function selectPaths(pool: readonly PoolSample[], extract: (path: string) => string, labels: ReadonlyMap<string, string>, minShare: number): Record<PathFilter, Selection> {
  const label = (id: string): string => {
    const l = labels.get(id);
    if (l === undefined) throw new RangeError(`no label for pool question ${id}`);
    return l;
  };
  const out = {} as Record<PathFilter, Selection>;
  for (const filter of PATH_FILTERS) {
    const kept: KeptPath[] = [];
    let questions = 0;
    for (const s of pool) {
      const k = keptBy(filter, s, extract, minShare, () => label(s.id));
      if (k.length > 0) questions++;
      kept.push(...k);
    }
    const right = kept.filter((k) => k.answer === label(k.id)).length;
    out[filter] = { kept, keptFraction: pool.length === 0 ? 0 : questions / pool.length, precision: kept.length === 0 ? null : right / kept.length };
  }
  return out;
}
