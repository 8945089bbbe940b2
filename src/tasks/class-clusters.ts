import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng, type Rng } from '../core/random/rng.js';

/**
 * Gaussian class clusters with labels (Reddy 2024, arXiv 2312.03002, §2): K class means μ_k and L
 * label vectors, each N(0, I/D) in D dimensions; every class carries one of the L labels, drawn
 * uniformly (the mapping a model can learn in its weights). An exemplar of class k is
 * (μ_k + ε·η)/√(1 + ε²) with η ~ N(0, I/D): within-class variation ε, norm about 1 either way.
 * Means, labels and label vectors come from separate streams of the seed, so a world of K classes
 * holds the first K classes of a larger world of the same seed, with the same labels.
 */
export interface ClassWorldSpec {
  readonly classes: number;
  readonly labels: number;
  readonly dims: number;
  readonly seed: number;
}

export interface ClassWorld {
  readonly spec: ClassWorldSpec;
  /** (K, D) */
  readonly means: Float32Array;
  /** (K): the label of each class, in 0..L−1. */
  readonly labelOf: Int32Array;
  /** (L, D) */
  readonly labelVectors: Float32Array;
}

/** n vectors of N(0, I/D), row-major (n, D). */
export function drawMeans(n: number, dims: number, rng: Rng): Float32Array {
  const out = new Float32Array(n * dims);
  const s = 1 / Math.sqrt(dims);
  for (let i = 0; i < out.length; i++) out[i] = s * rng.normal();
  return out;
}

export function makeClassWorld(spec: ClassWorldSpec): ClassWorld {
  const whole = (field: keyof ClassWorldSpec, min: number): void => {
    const v = spec[field];
    if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`class world: ${field} must be a whole number >= ${min}, got ${v}`);
  };
  whole('classes', 1);
  whole('labels', 2);
  whole('dims', 1);
  const { classes: K, labels: L, dims: D, seed } = spec;
  const means = drawMeans(K, D, makeRng(deriveSeed(seed, 'class-means')));
  const labelRng = makeRng(deriveSeed(seed, 'class-labels'));
  const labelOf = Int32Array.from({ length: K }, () => Math.floor(labelRng.next() * L));
  return { spec, means, labelOf, labelVectors: drawMeans(L, D, makeRng(deriveSeed(seed, 'label-vectors'))) };
}

/** Writes one exemplar of the class whose mean starts at means[at] into out[o..o+D). */
export function drawExemplar(means: Float32Array, at: number, dims: number, noise: number, rng: Rng, out: Float32Array, o: number): void {
  const s = 1 / Math.sqrt(dims);
  const norm = 1 / Math.sqrt(1 + noise * noise);
  for (let j = 0; j < dims; j++) out[o + j] = (means[at + j]! + noise * s * rng.normal()) * norm;
}
