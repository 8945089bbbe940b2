import { cholesky, choleskySolve } from '../icl/linalg.js';
import { huberFit, leastSquares } from './least-squares.js';

/**
 * The two-step task forecast of Bhagia et al. 2024, "Establishing Task Scaling Laws via Compute-Efficient
 * Model Ladders" (arXiv 2412.04403; allenai/OLMo-ladder `src/scripts/step1.py`, `step2.py`, `predict.py`):
 *
 *   step 1  scale → task loss     L(N, D) = A/N^α + B/D^β + E          (Chinchilla form, fitted on the ladder)
 *   step 2  task loss → accuracy  Acc(L) = a / (1 + e^(−k(L − x0))) + b  (a ≤ 0: accuracy falls as loss rises)
 *
 * and the forecast for a model of (N, D) is Acc(L(N, D)). The task loss is any continuous per-task metric
 * that falls as models improve: bits per byte of the correct continuation in the paper, equally the
 * negative target log-likelihood from sample logs.
 */

export interface LossPoint {
  /** Parameters N (the paper counts every parameter but the input embedding). */
  readonly n: number;
  /** Training tokens D; NaN when unknown (then the fit has no D term). */
  readonly d: number;
  /** The task loss, > 0. */
  readonly loss: number;
}

/** Step 1's fitted law. `form` 'n' (no D term) when the points cannot separate N from D. */
export interface TaskLossFit {
  readonly form: 'n-d' | 'n';
  /** ln A, ln B (0 in form 'n'), α, β (0 in form 'n'), E. */
  readonly logA: number;
  readonly logB: number;
  readonly alpha: number;
  readonly beta: number;
  readonly e: number;
  /** The Huber loss at the optimum (on log residuals). */
  readonly huberLoss: number;
  readonly points: number;
}

export interface AccuracyFit {
  /** a ∈ [−1, 0], x0 ≥ 0, k ≥ 0, b ∈ [0, 1]: the paper's bounds. */
  readonly a: number;
  readonly x0: number;
  readonly k: number;
  readonly b: number;
  /** Residual sum of squares over the fitted points (anchor included). */
  readonly rss: number;
  readonly points: number;
}

/** The paper's Huber threshold on log residuals (`get_coefficients_huber`, delta = 1e-3). */
export const STEP1_HUBER_DELTA = 1e-3;
/** The paper's start (`step1.py`): ln A = 3, ln B = 6, α = 0.1, β = 0.2, E = 1. */
const STEP1_START = [3, 6, 0.1, 0.2, 1] as const;

export function predictTaskLoss(fit: TaskLossFit, n: number, d: number): number {
  const termN = Math.exp(fit.logA - Math.log(n) * fit.alpha);
  const termD = fit.form === 'n-d' ? Math.exp(fit.logB - Math.log(d) * fit.beta) : 0;
  return termN + termD + fit.e;
}

/**
 * Whether D varies apart from N among the points: ln D is not (nearly) an affine function of ln N.
 * A ladder trained at 1, 2, 5, 10 × Chinchilla per size separates them; one family on one token
 * budget, or at one fixed tokens-per-parameter ratio, does not (then D's term cannot be told from N's
 * or from E).
 */
export function separatesNandD(points: readonly LossPoint[]): boolean {
  const m = points.length;
  if (m < 3 || points.some((p) => !(p.d > 0))) return false;
  const x = points.map((p) => Math.log(p.n));
  const y = points.map((p) => Math.log(p.d));
  const mx = x.reduce((a, b) => a + b, 0) / m;
  const my = y.reduce((a, b) => a + b, 0) / m;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < m; i++) {
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  // The spread of ln D left after its best affine fit on ln N, as a standard deviation: above ln 1.5.
  const resid = sxx > 0 ? syy - (sxy * sxy) / sxx : syy;
  return Math.sqrt(Math.max(resid, 0) / m) > Math.log(1.5) / 4;
}

/**
 * Step 1: the Chinchilla law fitted as the paper does, Huber (δ = 1e-3) on ln(pred) − ln(actual), every
 * parameter ≥ 0, from the paper's start. When D does not vary apart from N, the D term cannot be told
 * from E, so the fit drops it (form 'n': A/N^α + E).
 */
export function fitTaskLoss(points: readonly LossPoint[], delta = STEP1_HUBER_DELTA): TaskLossFit {
  for (const p of points) {
    if (!(p.n > 0) || !(p.d > 0 || Number.isNaN(p.d)) || !(p.loss > 0)) throw new RangeError(`fitTaskLoss: n, d and loss must be > 0, got ${JSON.stringify(p)}`);
  }
  const withD = separatesNandD(points);
  const k = withD ? 5 : 3;
  if (points.length < k + 1) throw new RangeError(`fitTaskLoss: ${k} parameters need >= ${k + 1} points, got ${points.length}`);
  const m = points.length;
  const lnN = points.map((p) => Math.log(p.n));
  const lnD = points.map((p) => Math.log(p.d));
  const lnY = points.map((p) => Math.log(p.loss));
  // q = [lnA, lnB, α, β, E] or [lnA, α, E]
  const terms = (q: Float64Array, i: number): [number, number, number] => {
    const tn = Math.exp(q[0]! - lnN[i]! * (withD ? q[2]! : q[1]!));
    const td = withD ? Math.exp(q[1]! - lnD[i]! * q[3]!) : 0;
    return [tn, td, tn + td + q[k - 1]!];
  };
  const problem = {
    m,
    residuals: (q: Float64Array, r: Float64Array): void => {
      for (let i = 0; i < m; i++) {
        const pred = terms(q, i)[2];
        r[i] = pred > 0 ? Math.log(pred) - lnY[i]! : 1e6;
      }
    },
    jacobian: (q: Float64Array, J: Float64Array): void => {
      for (let i = 0; i < m; i++) {
        const [tn, td, pred] = terms(q, i);
        const o = i * k;
        if (withD) {
          J[o] = tn / pred;
          J[o + 1] = td / pred;
          J[o + 2] = (-lnN[i]! * tn) / pred;
          J[o + 3] = (-lnD[i]! * td) / pred;
          J[o + 4] = 1 / pred;
        } else {
          J[o] = tn / pred;
          J[o + 1] = (-lnN[i]! * tn) / pred;
          J[o + 2] = 1 / pred;
        }
      }
    },
    lower: new Float64Array(k),
  };
  // The paper's start first, then a few from fixed exponents with A, B, E by least squares: the law
  // has shallow valleys (A against α, E against B) where one start can stop short.
  const starts: number[][] = [withD ? [...STEP1_START] : [STEP1_START[0], STEP1_START[2], STEP1_START[4]]];
  for (const alpha of [0.25, 0.5]) {
    for (const beta of withD ? [0.25, 0.5] : [0]) {
      const s = linearStart(points, alpha, beta, withD);
      if (s) starts.push(withD ? [Math.log(s[0]), Math.log(s[1]), alpha, beta, s[2]] : [Math.log(s[0]), alpha, s[2]]);
    }
  }
  // The extra starts run a short budget; one that beats the paper's start is then run to the end.
  let fit: { params: Float64Array; loss: number } = huberFit(problem, starts[0]!, delta);
  let polish = false;
  for (const st of starts.slice(1)) {
    const f = huberFit(problem, st, delta, 100);
    if (f.loss < fit.loss * (1 - 1e-6)) {
      fit = f;
      polish = true;
    }
  }
  if (polish) fit = huberFit(problem, fit.params, delta);
  const q = fit.params;
  return withD
    ? { form: 'n-d', logA: q[0]!, logB: q[1]!, alpha: q[2]!, beta: q[3]!, e: q[4]!, huberLoss: fit.loss, points: m }
    : { form: 'n', logA: q[0]!, logB: 0, alpha: q[1]!, beta: 0, e: q[2]!, huberLoss: fit.loss, points: m };
}

/** A, B, E ≥ 0 by least squares for fixed α, β (E at 0 when it would go negative); null when A or B ≤ 0. */
function linearStart(points: readonly LossPoint[], alpha: number, beta: number, withD: boolean): [number, number, number] | null {
  const cols = withD ? 3 : 2;
  const G = new Float64Array(cols * cols);
  const b = new Float64Array(cols);
  for (const p of points) {
    const row = withD ? [p.n ** -alpha, p.d ** -beta, 1] : [p.n ** -alpha, 1];
    for (let i = 0; i < cols; i++) {
      b[i] = b[i]! + row[i]! * p.loss;
      for (let j = 0; j < cols; j++) G[i * cols + j] = G[i * cols + j]! + row[i]! * row[j]!;
    }
  }
  const L = cholesky(G, cols);
  if (L === null) return null;
  const x = choleskySolve(L, b, cols);
  const A = x[0]!;
  const B = withD ? x[1]! : 1;
  const E = Math.max(0, x[cols - 1]!);
  return A > 0 && B > 0 ? [A, B, E] : null;
}

export function predictAccuracy(fit: AccuracyFit, loss: number): number {
  return fit.a / (1 + Math.exp(-fit.k * (loss - fit.x0))) + fit.b;
}

export interface AccuracyPoint {
  readonly loss: number;
  readonly acc: number;
}

/**
 * Step 2: the sigmoid from task loss to accuracy by least squares, with the paper's anchor (a model of
 * zero loss scores `maximum`), bounds and start [chance − 1, 0.9, 3, maximum] (`step2.fit_step2`).
 * `chance` only seeds the start; the fitted floor a + b is free.
 */
export function fitLossToAccuracy(points: readonly AccuracyPoint[], opts: { chance?: number; maximum?: number } = {}): AccuracyFit {
  const chance = opts.chance ?? 0.25;
  const maximum = opts.maximum ?? 1;
  const xs = [...points.map((p) => p.loss), 0];
  const ys = [...points.map((p) => p.acc), maximum];
  if (points.length < 4) throw new RangeError(`fitLossToAccuracy: 4 parameters need >= 4 points, got ${points.length}`);
  for (const p of points) if (!Number.isFinite(p.loss) || !Number.isFinite(p.acc)) throw new RangeError(`fitLossToAccuracy: non-finite point ${JSON.stringify(p)}`);
  const m = xs.length;
  const res = leastSquares(
    {
      m,
      residuals: (q, r) => {
        for (let i = 0; i < m; i++) r[i] = q[0]! / (1 + Math.exp(-q[2]! * (xs[i]! - q[1]!))) + q[3]! - ys[i]!;
      },
      jacobian: (q, J) => {
        for (let i = 0; i < m; i++) {
          const s = 1 / (1 + Math.exp(-q[2]! * (xs[i]! - q[1]!)));
          const ds = s * (1 - s);
          J[i * 4] = s;
          J[i * 4 + 1] = -q[0]! * ds * q[2]!;
          J[i * 4 + 2] = q[0]! * ds * (xs[i]! - q[1]!);
          J[i * 4 + 3] = 1;
        }
      },
      lower: [-1, 0, 0, 0],
      upper: [0, Infinity, Infinity, 1],
    },
    [chance - 1, 0.9, 3, maximum],
  );
  const q = res.params;
  return { a: q[0]!, x0: q[1]!, k: q[2]!, b: q[3]!, rss: 2 * res.cost, points: m };
}

/** The chained forecast for a model of (n, d): Acc(L(n, d)), with the intermediate loss. */
export function forecastTwoStep(step1: TaskLossFit, step2: AccuracyFit, n: number, d: number): { loss: number; accuracy: number } {
  const loss = predictTaskLoss(step1, n, d);
  return { loss, accuracy: predictAccuracy(step2, loss) };
}

/**
 * Trailing moving average over `window` points, the first window − 1 points averaging what there is
 * (the paper's `utils.moving_average`).
 */
export function movingAverage(xs: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(xs.length);
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    if (i >= window) s -= xs[i - window]!;
    out[i] = s / Math.min(i + 1, window);
  }
  return out;
}
