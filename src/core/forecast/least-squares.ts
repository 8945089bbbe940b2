import { cholesky, choleskySolve } from '../icl/linalg.js';

/**
 * Box-constrained nonlinear least squares, min ½ Σ wᵢ rᵢ(p)², by Levenberg–Marquardt (Marquardt 1963,
 * diagonal scaling as in Moré 1978) with an active set: a parameter resting on a bound whose gradient
 * pushes outward is held there for the step, every trial point is projected into the box. It is what
 * scipy's curve_fit with bounds (trust-region reflective) computes on the small, well-posed fits here
 * (4–10 parameters, tens to hundreds of points); the golden tests check that it lands where scipy does.
 */
export interface LeastSquaresProblem {
  /** Number of residuals. */
  readonly m: number;
  /** Residuals at p into r (length m). */
  readonly residuals: (p: Float64Array, r: Float64Array) => void;
  /** Jacobian ∂rᵢ/∂pⱼ at p into J (m × n, row-major). */
  readonly jacobian: (p: Float64Array, J: Float64Array) => void;
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Per-residual weights (default 1). */
  readonly weights?: ArrayLike<number>;
}

export interface LeastSquaresResult {
  readonly params: Float64Array;
  /** ½ Σ wᵢ rᵢ² at the solution. */
  readonly cost: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export function leastSquares(problem: LeastSquaresProblem, start: ArrayLike<number>, maxIterations = 2000): LeastSquaresResult {
  const n = start.length;
  const { m } = problem;
  const lo = Float64Array.from({ length: n }, (_, j) => problem.lower?.[j] ?? -Infinity);
  const hi = Float64Array.from({ length: n }, (_, j) => problem.upper?.[j] ?? Infinity);
  const w = problem.weights;
  const p = Float64Array.from(start, (v, j) => Math.min(hi[j]!, Math.max(lo[j]!, v)));
  const r = new Float64Array(m);
  const J = new Float64Array(m * n);
  const trial = new Float64Array(n);
  const rTrial = new Float64Array(m);
  const cost = (res: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (w ? w[i]! : 1) * res[i]! * res[i]!;
    return 0.5 * s;
  };
  problem.residuals(p, r);
  let f = cost(r);
  if (!Number.isFinite(f)) throw new RangeError('leastSquares: the residuals are not finite at the start');
  let lambda = 1e-3;
  let iterations = 0;
  let converged = false;
  const g = new Float64Array(n);
  const H = new Float64Array(n * n);
  while (iterations < maxIterations) {
    iterations++;
    problem.jacobian(p, J);
    g.fill(0);
    H.fill(0);
    for (let i = 0; i < m; i++) {
      const wi = w ? w[i]! : 1;
      const o = i * n;
      for (let a = 0; a < n; a++) {
        const ja = J[o + a]! * wi;
        g[a] = g[a]! + ja * r[i]!;
        for (let b = a; b < n; b++) H[a * n + b] = H[a * n + b]! + ja * J[o + b]!;
      }
    }
    const free: number[] = [];
    let gmax = 0;
    for (let a = 0; a < n; a++) {
      const atLo = p[a]! <= lo[a]! && g[a]! > 0;
      const atHi = p[a]! >= hi[a]! && g[a]! < 0;
      if (!atLo && !atHi) {
        free.push(a);
        gmax = Math.max(gmax, Math.abs(g[a]!) * Math.max(1, Math.abs(p[a]!)));
      }
    }
    if (free.length === 0 || gmax <= 1e-14 * Math.max(f, 1e-300)) {
      converged = true;
      break;
    }
    let accepted = false;
    for (let attempt = 0; attempt < 60 && !accepted; attempt++) {
      // Solve on the free set; a parameter on its bound whose step would leave the box joins the
      // held set and the step is solved again without it.
      let step: Float64Array | null = null;
      let k = free.length;
      for (;;) {
        k = free.length;
        const A = new Float64Array(k * k);
        const b = new Float64Array(k);
        for (let i = 0; i < k; i++) {
          const fi = free[i]!;
          b[i] = -g[fi]!;
          for (let j = 0; j < k; j++) {
            const fj = free[j]!;
            A[i * k + j] = fi <= fj ? H[fi * n + fj]! : H[fj * n + fi]!;
          }
          const d = H[fi * n + fi]!;
          A[i * k + i] = d + lambda * Math.max(d, 1e-12);
        }
        const L = cholesky(A, k);
        if (L === null) break;
        step = choleskySolve(L, b, k);
        const leaving = free.findIndex((j, i) => (p[j]! <= lo[j]! && step![i]! < 0) || (p[j]! >= hi[j]! && step![i]! > 0));
        if (leaving < 0) break;
        free.splice(leaving, 1);
        step = null;
        if (free.length === 0) break;
      }
      if (free.length === 0) break;
      if (step === null) {
        lambda *= 10;
        continue;
      }
      // Shorten the step to the box's edge rather than clamp each coordinate: clamping bends the step
      // and parks parameters on a bound they would have left again (a false optimum there).
      let t = 1;
      for (let i = 0; i < k; i++) {
        const j = free[i]!;
        const s = step[i]!;
        if (s < 0 && p[j]! + s < lo[j]!) t = Math.min(t, (lo[j]! - p[j]!) / s);
        else if (s > 0 && p[j]! + s > hi[j]!) t = Math.min(t, (hi[j]! - p[j]!) / s);
      }
      trial.set(p);
      for (let i = 0; i < k; i++) {
        const j = free[i]!;
        trial[j] = Math.min(hi[j]!, Math.max(lo[j]!, p[j]! + t * step[i]!));
      }
      problem.residuals(trial, rTrial);
      const fTrial = cost(rTrial);
      if (Number.isFinite(fTrial) && fTrial < f) {
        const gain = f - fTrial;
        let moved = 0;
        for (let j = 0; j < n; j++) moved = Math.max(moved, Math.abs(trial[j]! - p[j]!) / (Math.abs(p[j]!) + 1e-8));
        p.set(trial);
        r.set(rTrial);
        f = fTrial;
        lambda = Math.max(lambda / 3, 1e-12);
        accepted = true;
        if (gain <= 1e-15 * Math.max(f, 1e-300) && moved <= 1e-10) converged = true;
      } else lambda *= 2.5;
    }
    if (!accepted || converged) {
      converged = true;
      break;
    }
  }
  return { params: p, cost: f, iterations, converged };
}

/**
 * Huber-loss fit, min Σ ρ_δ(rᵢ(p)), ρ_δ(u) = ½u² for |u| < δ, else δ(|u| − ½δ), by iteratively
 * reweighted least squares: weights ψ(u)/u = min(1, δ/|u|) at the current residuals make a quadratic
 * that lies above ρ and touches it there, so each reweighted solve lowers the Huber loss (a
 * majorise–minimise step; Huber 1981, §7.8). Returns the parameters and the Huber loss.
 */
export function huberFit(problem: Omit<LeastSquaresProblem, 'weights'>, start: ArrayLike<number>, delta: number, maxRounds = 2000): { params: Float64Array; loss: number; rounds: number } {
  const { m } = problem;
  const r = new Float64Array(m);
  const w = new Float64Array(m);
  const loss = (res: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const a = Math.abs(res[i]!);
      s += a < delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
    }
    return s;
  };
  let p: Float64Array = Float64Array.from(start);
  problem.residuals(p, r);
  let f = loss(r);
  let rounds = 0;
  while (rounds < maxRounds) {
    rounds++;
    for (let i = 0; i < m; i++) w[i] = Math.min(1, delta / Math.max(Math.abs(r[i]!), 1e-300));
    // A few LM iterations per round are enough: each lowers the reweighted cost, hence the Huber loss.
    const next = leastSquares({ ...problem, weights: w }, p, 25).params;
    problem.residuals(next, r);
    const fNext = loss(r);
    if (!(fNext <= f)) {
      problem.residuals(p, r);
      break;
    }
    let moved = 0;
    for (let j = 0; j < p.length; j++) moved = Math.max(moved, Math.abs(next[j]! - p[j]!) / (Math.abs(p[j]!) + 1e-8));
    const gain = f - fNext;
    p = next;
    f = fNext;
    if (gain <= 1e-14 * Math.max(f, 1e-300) && moved <= 1e-9) break;
  }
  return { params: p, loss: f, rounds };
}
