/**
 * The k highest entries of one row (logits or probabilities: any order-preserving scale), best first,
 * ties to the lower index, as n-best log-probabilities are reported (OpenAI `logprobs: k`,
 * `top_logprobs`). A partial insertion sort: k is at most a few dozen, the row a vocabulary.
 */
export function topK(row: ArrayLike<number>, k: number): number[] {
  const n = Math.min(Math.max(0, Math.floor(k)), row.length);
  const best: number[] = [];
  for (let v = 0; v < row.length && n > 0; v++) {
    const x = row[v]!;
    if (best.length === n) {
      if (!(x > row[best[n - 1]!]!)) continue;
      best.pop();
    }
    let at = best.length;
    while (at > 0 && x > row[best[at - 1]!]!) at--;
    best.splice(at, 0, v);
  }
  return best;
}

/** One of a position's n best tokens and its log-probability. */
export interface Alternative {
  readonly token: number;
  readonly logprob: number;
}

/** The k best tokens of one row of logits, as log-probabilities under its normaliser logZ. */
export function topAlternatives(logits: ArrayLike<number>, logZ: number, k: number): Alternative[] {
  return topK(logits, k).map((token) => ({ token, logprob: logits[token]! - logZ }));
}

/** The same from a row of probabilities (what a teacher-forced forward leaves). */
export function topAlternativesOfProbs(probs: ArrayLike<number>, k: number): Alternative[] {
  return topK(probs, k).map((token) => ({ token, logprob: Math.log(Math.max(probs[token]!, 1e-30)) }));
}
