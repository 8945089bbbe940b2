import type { Rng } from '../core/random/rng.js';
import { shuffle } from '../core/random/shuffle.js';
import type { Zipf } from '../core/random/zipf.js';
import { drawExemplar, drawMeans, type ClassWorld } from './class-clusters.js';

/**
 * Sequences of (exemplar, label) pairs and a query, as Chan et al. 2022 (arXiv 2205.05055) train on
 * and Reddy 2024 (arXiv 2312.03002) recasts over Gaussian clusters. With probability p_B a training
 * sequence is bursty: N/B classes drawn (distinct) from the Zipf law, each repeated B times in a
 * shuffled order, the query one of them; otherwise its N items and its query are drawn independently
 * from the Zipf law over K classes. The two evaluations:
 * - in-context (ICL): N/B fresh classes (new means, never trained on), each repeated B times, with
 *   distinct labels drawn at random from the L: only the context says which label the query has;
 * - in-weights (IWL): items drawn independently from the training law and a query of a class that
 *   is absent from the context: only the class → label mapping learned in training can answer.
 */
export interface SequenceSpec {
  /** N: (exemplar, label) pairs before the query. */
  readonly context: number;
  /** B: how often each class of a bursty sequence repeats; divides N. */
  readonly burst: number;
  /** p_B: the share of bursty training sequences. */
  readonly pBursty: number;
  /** ε: within-class variation of the exemplars. */
  readonly noise: number;
}

/** Class and label of every item, the query last: N + 1 entries. */
export interface ClassSequence {
  readonly classes: Int32Array;
  readonly labels: Int32Array;
  readonly bursty: boolean;
}

export function checkSequenceSpec(s: SequenceSpec, classes: number): void {
  if (!(Number.isInteger(s.context) && s.context >= 1)) throw new RangeError(`sequences: context must be a whole number >= 1, got ${s.context}`);
  if (!(Number.isInteger(s.burst) && s.burst >= 1 && s.context % s.burst === 0)) throw new RangeError(`sequences: burst must divide the context of ${s.context}, got ${s.burst}`);
  if (!(s.pBursty >= 0 && s.pBursty <= 1)) throw new RangeError(`sequences: pBursty must be in [0, 1], got ${s.pBursty}`);
  if (!(s.noise >= 0)) throw new RangeError(`sequences: noise must be >= 0, got ${s.noise}`);
  // An in-weights query needs a class outside every context.
  if (!(classes > s.context)) throw new RangeError(`sequences: ${classes} classes cannot leave a query class outside a context of ${s.context}`);
}

/** `n` distinct classes from the law (rejecting repeats), the bursty sequence's set. */
function distinctDraws(n: number, zipf: Zipf, rng: Rng): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const k = zipf.draw(rng);
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

/** Each of `set` repeated `burst` times in a shuffled order, then the query: one of the set. */
function burstOf(set: readonly number[], burst: number, rng: Rng): Int32Array {
  const items = shuffle(set.flatMap((k) => Array.from({ length: burst }, () => k)), rng);
  return Int32Array.from([...items, set[Math.floor(rng.next() * set.length)]!]);
}

export function trainingSequence(spec: SequenceSpec, labelOf: Int32Array, zipf: Zipf, rng: Rng): ClassSequence {
  const N = spec.context;
  const bursty = rng.next() < spec.pBursty;
  const classes = bursty ? burstOf(distinctDraws(N / spec.burst, zipf, rng), spec.burst, rng) : Int32Array.from({ length: N + 1 }, () => zipf.draw(rng));
  return { classes, labels: classes.map((k) => labelOf[k]!), bursty };
}

export function iwlSequence(spec: SequenceSpec, labelOf: Int32Array, zipf: Zipf, rng: Rng): ClassSequence {
  const N = spec.context;
  const classes = new Int32Array(N + 1);
  for (let i = 0; i < N; i++) classes[i] = zipf.draw(rng);
  const context = classes.subarray(0, N);
  let q = zipf.draw(rng);
  while (context.includes(q)) q = zipf.draw(rng);
  classes[N] = q;
  return { classes, labels: classes.map((k) => labelOf[k]!), bursty: false };
}

/** Classes 0..N/B−1 index fresh means; labels are distinct, drawn from the L at random. */
export function iclSequence(spec: SequenceSpec, labels: number, rng: Rng): ClassSequence {
  const n = spec.context / spec.burst;
  if (n > labels) throw new RangeError(`sequences: ${n} fresh classes need as many distinct labels, only ${labels}`);
  const classes = burstOf(Array.from({ length: n }, (_, k) => k), spec.burst, rng);
  const chosen = shuffle(Array.from({ length: labels }, (_, l) => l), rng).slice(0, n);
  return { classes, labels: classes.map((k) => chosen[k]!), bursty: true };
}

/** A sequence's exemplars (N + 1, D), from the world's means or, for fresh classes, from means drawn here. */
export function exemplarsOf(seq: ClassSequence, means: Float32Array, dims: number, noise: number, rng: Rng, out = new Float32Array(seq.classes.length * dims)): Float32Array {
  seq.classes.forEach((k, i) => drawExemplar(means, k * dims, dims, noise, rng, out, i * dims));
  return out;
}

/** A sequence as vectors: exemplars, label ids and the query's label, the model's whole input. */
export interface VectorSequence {
  /** (N + 1, D): exemplar i, the query last. */
  readonly exemplars: Float32Array;
  /** (N + 1): label ids, the query's last (the target). */
  readonly labels: Int32Array;
  readonly bursty: boolean;
}

export type SequenceKind = 'train' | 'icl' | 'iwl';

/** One sequence of a kind, its exemplars drawn; fresh classes (ICL) get their own means. */
export function drawSequence(kind: SequenceKind, world: ClassWorld, spec: SequenceSpec, zipf: Zipf, rng: Rng): VectorSequence {
  const D = world.spec.dims;
  if (kind === 'icl') {
    const seq = iclSequence(spec, world.spec.labels, rng);
    const means = drawMeans(spec.context / spec.burst, D, rng);
    return { exemplars: exemplarsOf(seq, means, D, spec.noise, rng), labels: seq.labels, bursty: true };
  }
  const seq = kind === 'train' ? trainingSequence(spec, world.labelOf, zipf, rng) : iwlSequence(spec, world.labelOf, zipf, rng);
  return { exemplars: exemplarsOf(seq, world.means, D, spec.noise, rng), labels: seq.labels, bursty: seq.bursty };
}
