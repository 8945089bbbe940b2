import type { Rng } from '../core/random/rng.js';

/**
 * Function classes for in-context regression (Garg et al. 2022; Yadlowsky, Doshi & Tripuraneni 2023):
 * a prompt is (x₁, f(x₁), …, x_P, f(x_P)) for one f drawn from a class, with x ~ N(0, I_d) (times
 * `inputScale` for the scaled-input test). Every draw takes the caller's seeded RNG.
 *
 * - dense_linear: f(x) = w·x, w ~ N(0, I_d).
 * - sparse_linear: the same with only `nonzero` coordinates of w, on a uniformly drawn support.
 * - sinusoid: f(x) = A sin(ω u·x + φ) along a uniformly random unit direction u, with A, ω and φ
 *   uniform in their ranges (a one-dimensional sine across the input space, so any d works).
 * - relu_net: f(x) = Σᵢ aᵢ ReLU(vᵢ·x), vᵢ ~ N(0, I_d), aᵢ ~ N(0, 2/hidden) (Garg et al.'s 2-layer nets).
 * - decision_tree: a complete binary tree of `depth`, each node splitting on a uniformly drawn
 *   coordinate at 0, leaves N(0, 1) (Garg et al.'s trees).
 * - convex: α f_a + (1 − α) f_b with f_a, f_b drawn from their classes (out of any mixture of the two).
 */
export type FunctionClass =
  | { readonly kind: 'dense_linear' }
  | { readonly kind: 'sparse_linear'; readonly nonzero: number }
  | { readonly kind: 'sinusoid'; readonly amplitude: readonly [number, number]; readonly frequency: readonly [number, number] }
  | { readonly kind: 'relu_net'; readonly hidden: number }
  | { readonly kind: 'decision_tree'; readonly depth: number }
  | { readonly kind: 'convex'; readonly alpha: number; readonly a: FunctionClass; readonly b: FunctionClass };

export interface MixtureComponent {
  readonly name: string;
  readonly cls: FunctionClass;
  readonly weight: number;
}

/** One drawn function, and what it is (weights for the linear classes, for inspection and tests). */
export interface DrawnFunction {
  readonly f: (x: ArrayLike<number>) => number;
  readonly weights: Float64Array | null;
}

const uniform = (rng: Rng, [lo, hi]: readonly [number, number]): number => lo + (hi - lo) * rng.next();

export function drawFunction(cls: FunctionClass, d: number, rng: Rng): DrawnFunction {
  switch (cls.kind) {
    case 'dense_linear':
    case 'sparse_linear': {
      const w = Float64Array.from({ length: d }, () => rng.normal());
      if (cls.kind === 'sparse_linear') {
        if (!(Number.isInteger(cls.nonzero) && cls.nonzero >= 1 && cls.nonzero <= d)) throw new RangeError(`sparse_linear: nonzero must be 1..${d}, got ${cls.nonzero}`);
        // A uniform support: the first `nonzero` of a seeded permutation.
        const order = Array.from({ length: d }, (_, i) => i);
        for (let i = d - 1; i > 0; i--) {
          const j = Math.floor(rng.next() * (i + 1));
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        for (const i of order.slice(cls.nonzero)) w[i] = 0;
      }
      return { weights: w, f: (x) => { let s = 0; for (let i = 0; i < d; i++) s += w[i]! * x[i]!; return s; } };
    }
    case 'sinusoid': {
      const u = Float64Array.from({ length: d }, () => rng.normal());
      const norm = Math.hypot(...u);
      for (let i = 0; i < d; i++) u[i] = u[i]! / norm;
      const A = uniform(rng, cls.amplitude);
      const w = uniform(rng, cls.frequency);
      const phi = 2 * Math.PI * rng.next();
      return { weights: null, f: (x) => { let s = 0; for (let i = 0; i < d; i++) s += u[i]! * x[i]!; return A * Math.sin(w * s + phi); } };
    }
    case 'relu_net': {
      const h = cls.hidden;
      const V = Float64Array.from({ length: h * d }, () => rng.normal());
      const a = Float64Array.from({ length: h }, () => rng.normal() * Math.sqrt(2 / h));
      return {
        weights: null,
        f: (x) => {
          let y = 0;
          for (let j = 0; j < h; j++) {
            let s = 0;
            for (let i = 0; i < d; i++) s += V[j * d + i]! * x[i]!;
            if (s > 0) y += a[j]! * s;
          }
          return y;
        },
      };
    }
    case 'decision_tree': {
      const nodes = 2 ** cls.depth - 1;
      const feature = Int32Array.from({ length: nodes }, () => Math.floor(rng.next() * d));
      const leaves = Float64Array.from({ length: 2 ** cls.depth }, () => rng.normal());
      return {
        weights: null,
        f: (x) => {
          let n = 0;
          for (let level = 0; level < cls.depth; level++) n = 2 * n + (x[feature[n]!]! > 0 ? 2 : 1);
          return leaves[n - nodes]!;
        },
      };
    }
    case 'convex': {
      const fa = drawFunction(cls.a, d, rng);
      const fb = drawFunction(cls.b, d, rng);
      return { weights: null, f: (x) => cls.alpha * fa.f(x) + (1 - cls.alpha) * fb.f(x) };
    }
  }
}

export interface IclPrompt {
  readonly d: number;
  readonly points: number;
  /** points × d, row-major. */
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  /** Which mixture component the function came from. */
  readonly component: string;
  readonly weights: Float64Array | null;
}

/** A mixture's component by its weights (they need not sum to 1). */
export function pickComponent(mixture: readonly MixtureComponent[], rng: Rng): MixtureComponent {
  const total = mixture.reduce((s, c) => s + c.weight, 0);
  if (!(total > 0)) throw new RangeError('a mixture needs a positive total weight');
  let u = rng.next() * total;
  for (const c of mixture) {
    u -= c.weight;
    if (u < 0) return c;
  }
  return mixture.at(-1)!;
}

/**
 * One prompt: a function from the mixture and `points` inputs. `activeDims` < d zeroes the trailing
 * coordinates of x (the curriculum's smaller problems, as Garg et al.); `inputScale` multiplies x;
 * `noise` adds N(0, noise²) to every y (so least squares has an error to be compared with).
 */
export function samplePrompt(mixture: readonly MixtureComponent[], opts: { d: number; points: number; activeDims?: number; inputScale?: number; noise?: number }, rng: Rng): IclPrompt {
  const { d, points } = opts;
  const noise = opts.noise ?? 0;
  const active = opts.activeDims ?? d;
  const scale = opts.inputScale ?? 1;
  const c = pickComponent(mixture, rng);
  const fn = drawFunction(c.cls, active, rng);
  const xs = new Float64Array(points * d);
  const ys = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    for (let i = 0; i < active; i++) xs[p * d + i] = scale * rng.normal();
    ys[p] = fn.f(xs.subarray(p * d, p * d + active)) + (noise > 0 ? noise * rng.normal() : 0);
  }
  let weights: Float64Array | null = null;
  if (fn.weights) {
    weights = new Float64Array(d);
    weights.set(fn.weights);
  }
  return { d, points, xs, ys, component: c.name, weights };
}
