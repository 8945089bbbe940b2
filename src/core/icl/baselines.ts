import { cholesky, choleskyLogDet, choleskySolve, gram, spectralSolve, symmetricEigen } from './linalg.js';

/**
 * Estimators an in-context learner is measured against (Garg et al. 2022 §3; Yadlowsky, Doshi &
 * Tripuraneni 2023): each predicts y at a query x from the k points (x₁, y₁) … (x_k, y_k) before it,
 * exactly, on the same prompts the transformer sees. Points are rows of a row-major array of d columns.
 */
export interface Baseline {
  readonly id: string;
  readonly description: string;
  predict(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number, xq: ArrayLike<number>): number;
}

const dot = (w: ArrayLike<number>, x: ArrayLike<number>, d: number): number => {
  let s = 0;
  for (let i = 0; i < d; i++) s += w[i]! * x[i]!;
  return s;
};

/** Eigenvalues below this share of the largest count as zero (the pseudo-inverse's cutoff, on squared singular values). */
const PINV_CUTOFF = 1e-10;

/** Minimum-norm least squares: w = (XᵀX)⁺Xᵀy, the interpolating solution of least norm when k < d. */
export function leastSquaresWeights(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number): Float64Array {
  if (k === 0) return new Float64Array(d);
  const { G, b } = gram(xs, ys, k, d);
  const eig = symmetricEigen(G, d);
  let max = 0;
  for (const v of eig.values) max = Math.max(max, v);
  return spectralSolve(eig, b, d, (l) => (l > max * PINV_CUTOFF ? 1 / l : 0));
}

/** Ridge: w = (XᵀX + αI)⁻¹Xᵀy (sklearn's Ridge without intercept). */
export function ridgeWeights(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number, alpha: number): Float64Array {
  if (k === 0) return new Float64Array(d);
  const { G, b } = gram(xs, ys, k, d);
  return spectralSolve(symmetricEigen(G, d), b, d, (l) => 1 / (Math.max(l, 0) + alpha));
}

/**
 * Lasso by cyclic coordinate descent on sklearn's objective (1/2k)‖y − Xw‖² + α‖w‖₁ without
 * intercept, to a duality-free tolerance on the largest coordinate change (as sklearn's `tol`).
 */
export function lassoWeights(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number, alpha: number, opts: { tol?: number; maxIter?: number } = {}): Float64Array {
  const w = new Float64Array(d);
  if (k === 0) return w;
  const { G, b } = gram(xs, ys, k, d);
  const tol = opts.tol ?? 1e-10;
  // On the Gram matrix: the gradient of the smooth part at coordinate j is (G w − b)_j / k.
  const r = Float64Array.from(b); // r = b − G w, kept up to date
  for (let it = 0; it < (opts.maxIter ?? 100_000); it++) {
    let maxChange = 0;
    let maxW = 0;
    for (let j = 0; j < d; j++) {
      const gjj = G[j * d + j]!;
      if (gjj === 0) continue;
      const rho = r[j]! + gjj * w[j]!;
      const z = Math.abs(rho) <= alpha * k ? 0 : (rho - Math.sign(rho) * alpha * k) / gjj;
      const delta = z - w[j]!;
      if (delta !== 0) {
        for (let i = 0; i < d; i++) r[i] = r[i]! - G[i * d + j]! * delta;
        w[j] = z;
      }
      maxChange = Math.max(maxChange, Math.abs(delta));
      maxW = Math.max(maxW, Math.abs(z));
    }
    if (maxChange <= tol * Math.max(maxW, 1e-300) || maxW === 0) break;
  }
  return w;
}

/** sklearn's default α grid is data-dependent; this fixed grid spans the noiseless-to-noisy regimes at unit-variance x. */
export const LASSO_ALPHAS = [0.001, 0.01, 0.1, 1] as const;
export const RIDGE_ALPHAS = [0.01, 0.1, 1] as const;

/**
 * The Bayes-optimal predictor (posterior mean) when w is dense N(0, I_d) with probability `dense`,
 * or N(0, I_s) on a support of s coordinates chosen uniformly otherwise, and y = w·x + N(0, σ²).
 * Each hypothesis H (dense, or one support S) has a Gaussian evidence p(y | X, H) = N(0, X_H X_Hᵀ + σ²I)
 * and posterior mean w_H = (X_HᵀX_H + σ²I)⁻¹X_Hᵀy; the prediction averages w_H·x over the posterior of
 * H. Evidence is computed in the d- (or s-) dimensional form by the determinant lemma and Woodbury.
 */
export function bayesLinearMixture(xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number, xq: ArrayLike<number>, prior: { dense: number; nonzero: number; noise: number }): number {
  const hyps: { coords: number[]; logPrior: number }[] = [];
  if (prior.dense > 0) hyps.push({ coords: Array.from({ length: d }, (_, i) => i), logPrior: Math.log(prior.dense) });
  if (prior.dense < 1) {
    const supports = combinations(d, prior.nonzero);
    for (const s of supports) hyps.push({ coords: s, logPrior: Math.log((1 - prior.dense) / supports.length) });
  }
  const s2 = prior.noise ** 2;
  let yy = 0;
  for (let r = 0; r < k; r++) yy += ys[r]! ** 2;
  const logPost: number[] = [];
  const preds: number[] = [];
  for (const h of hyps) {
    const m = h.coords.length;
    const sub = new Float64Array(k * m);
    for (let r = 0; r < k; r++) for (let j = 0; j < m; j++) sub[r * m + j] = xs[r * d + h.coords[j]!]!;
    const { G, b } = gram(sub, ys, k, m);
    for (let i = 0; i < m; i++) G[i * m + i] = G[i * m + i]! + s2;
    const L = cholesky(G, m);
    if (!L) throw new RangeError('bayesLinearMixture: the noise must be > 0');
    const w = choleskySolve(L, b, m);
    // log N(y; 0, σ²I + X Xᵀ) = −½[(yᵀy − bᵀw)/σ² + log det(σ²I_k + XXᵀ) + k log 2π], det = σ^{2(k−m)} det(XᵀX + σ²I).
    const quad = (yy - dot(b, w, m)) / s2;
    const logDet = (k - m) * Math.log(s2) + choleskyLogDet(L, m);
    logPost.push(h.logPrior - 0.5 * (quad + logDet));
    let p = 0;
    for (let j = 0; j < m; j++) p += w[j]! * xq[h.coords[j]!]!;
    preds.push(p);
  }
  const top = Math.max(...logPost);
  let z = 0;
  let acc = 0;
  logPost.forEach((lp, i) => {
    const e = Math.exp(lp - top);
    z += e;
    acc += e * preds[i]!;
  });
  return acc / z;
}

function combinations(n: number, r: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === r) {
      out.push([...cur]);
      return;
    }
    for (let i = start; i < n; i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

const weightBaseline = (id: string, description: string, fit: (xs: ArrayLike<number>, ys: ArrayLike<number>, k: number, d: number) => Float64Array): Baseline => ({
  id, description, predict: (xs, ys, k, d, xq) => dot(fit(xs, ys, k, d), xq, d),
});

/** Every baseline that needs no knowledge of the task distribution. */
export function standardBaselines(): Baseline[] {
  return [
    { id: 'zero', description: 'always 0 (the prior mean): the error of knowing nothing', predict: () => 0 },
    weightBaseline('least_squares', 'minimum-norm least squares', leastSquaresWeights),
    ...RIDGE_ALPHAS.map((a) => weightBaseline(`ridge@${a}`, `ridge regression, α = ${a}`, (xs, ys, k, d) => ridgeWeights(xs, ys, k, d, a))),
    ...LASSO_ALPHAS.map((a) => weightBaseline(`lasso@${a}`, `Lasso (sklearn objective), α = ${a}`, (xs, ys, k, d) => lassoWeights(xs, ys, k, d, a))),
    {
      id: 'knn@3', description: 'mean y of the 3 nearest points (Euclidean)',
      predict: (xs, ys, k, d, xq) => {
        if (k === 0) return 0;
        const dist = Array.from({ length: k }, (_, r) => {
          let s = 0;
          for (let i = 0; i < d; i++) s += (xs[r * d + i]! - xq[i]!) ** 2;
          return [s, r] as const;
        }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const n = Math.min(3, k);
        let s = 0;
        for (let i = 0; i < n; i++) s += ys[dist[i]![1]]!;
        return s / n;
      },
    },
    weightBaseline('averaging', 'w = mean of yᵢxᵢ (Garg et al.\'s averaging estimator)', (xs, ys, k, d) => {
      const w = new Float64Array(d);
      for (let r = 0; r < k; r++) for (let i = 0; i < d; i++) w[i] = w[i]! + (ys[r]! * xs[r * d + i]!) / k;
      return w;
    }),
  ];
}
