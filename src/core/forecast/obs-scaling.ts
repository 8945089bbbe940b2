import { leastSquares } from './least-squares.js';
import { pcaImpute, type ImputeOptions } from './pca-impute.js';
import { fitPca, pcaTransform } from './pca.js';

/**
 * Observational scaling laws (Ruan, Maddison, Hashimoto 2024, "Observational Scaling Laws and the
 * Predictability of Language Model Performance", arXiv 2405.10938; ryoungj/ObsScaling `utils/data.py`):
 * a model's capability is the leading principal components of its standard benchmark scores, and a
 * downstream (here: emergent) task follows a sigmoid of a linear combination of them,
 *
 *   y = (1 − b) · σ(c + w · PC) + b,     b ∈ [0, 0.2] a floor, the height fixed so the ceiling is 1,
 *
 * fitted on the models below a compute cutoff and checked on the larger ones. The baseline is the same
 * sigmoid of ln(training FLOPs) alone, which is what a compute scaling law can say.
 */
export interface ObsSigmoidFit {
  readonly intercept: number;
  readonly weights: Float64Array;
  readonly floor: number;
  /** Residual sum of squares on the fitted rows. */
  readonly rss: number;
}

/** The paper's floor bound (`sigmoid_param_range_width`). */
export const OBS_MAX_FLOOR = 0.2;

export function predictObsSigmoid(fit: ObsSigmoidFit, x: ArrayLike<number>, offset = 0): number {
  let z = fit.intercept;
  for (let j = 0; j < fit.weights.length; j++) z += fit.weights[j]! * x[offset + j]!;
  return (1 - fit.floor) / (1 + Math.exp(-z)) + fit.floor;
}

/**
 * Least squares from the paper's start (intercept 0, every weight 0.03, floor 0), weights unbounded,
 * floor in [0, maxFloor]. X is rows × k, row-major; y in [0, 1].
 */
export function fitObsSigmoid(X: ArrayLike<number>, rows: number, k: number, y: ArrayLike<number>, maxFloor = OBS_MAX_FLOOR): ObsSigmoidFit {
  if (X.length !== rows * k || y.length !== rows) throw new RangeError('fitObsSigmoid: sizes do not match');
  if (rows < k + 3) throw new RangeError(`fitObsSigmoid: ${k + 2} parameters need >= ${k + 3} rows, got ${rows}`);
  const n = k + 2; // intercept, k weights, floor
  const sig = (q: Float64Array, i: number): number => {
    let z = q[0]!;
    for (let j = 0; j < k; j++) z += q[1 + j]! * X[i * k + j]!;
    return 1 / (1 + Math.exp(-z));
  };
  const lower = new Float64Array(n).fill(-Infinity);
  const upper = new Float64Array(n).fill(Infinity);
  lower[n - 1] = 0;
  upper[n - 1] = maxFloor;
  const start = new Float64Array(n).fill(0.03);
  start[0] = 0;
  start[n - 1] = 0;
  const res = leastSquares(
    {
      m: rows,
      residuals: (q, r) => {
        const b = q[n - 1]!;
        for (let i = 0; i < rows; i++) r[i] = (1 - b) * sig(q, i) + b - y[i]!;
      },
      jacobian: (q, J) => {
        const b = q[n - 1]!;
        for (let i = 0; i < rows; i++) {
          const s = sig(q, i);
          const ds = (1 - b) * s * (1 - s);
          J[i * n] = ds;
          for (let j = 0; j < k; j++) J[i * n + 1 + j] = ds * X[i * k + j]!;
          J[i * n + n - 1] = 1 - s;
        }
      },
      lower,
      upper,
    },
    start,
    5000,
  );
  const q = res.params;
  return { intercept: q[0]!, weights: q.slice(1, n - 1), floor: q[n - 1]!, rss: 2 * res.cost };
}

export interface ObsScalingInput {
  /** Base benchmark scores, rows × cols, NaN where missing. */
  readonly trainBase: Float64Array;
  readonly testBase: Float64Array;
  readonly cols: number;
  /** Training FLOPs per row (any unit: the baseline's intercept absorbs it). */
  readonly trainFlops: Float64Array;
  readonly testFlops: Float64Array;
  /** The emergent task's score per row, in [0, 1]. */
  readonly trainY: Float64Array;
  readonly testY: Float64Array;
  /** Components the sigmoid reads (paper: 3). */
  readonly components?: number;
  /** Components the PCA keeps (paper: 5; only the first `components` are used). */
  readonly pcaComponents?: number;
  readonly impute?: ImputeOptions;
}

export interface MethodResult {
  readonly fit: ObsSigmoidFit;
  readonly trainPred: Float64Array;
  readonly testPred: Float64Array;
  readonly testMse: number;
  readonly testMae: number;
}

export interface ObsScalingResult {
  readonly explainedVarianceRatio: Float64Array;
  readonly imputedShareTrain: number;
  readonly imputedShareTest: number;
  readonly pc: MethodResult;
  readonly flops: MethodResult;
}

function method(Xtr: Float64Array, Xte: Float64Array, k: number, ytr: Float64Array, yte: Float64Array): MethodResult {
  const rows = ytr.length;
  const fit = fitObsSigmoid(Xtr, rows, k, ytr);
  const trainPred = Float64Array.from({ length: rows }, (_, i) => predictObsSigmoid(fit, Xtr, i * k));
  const testPred = Float64Array.from({ length: yte.length }, (_, i) => predictObsSigmoid(fit, Xte, i * k));
  let se = 0;
  let ae = 0;
  for (let i = 0; i < yte.length; i++) {
    se += (testPred[i]! - yte[i]!) ** 2;
    ae += Math.abs(testPred[i]! - yte[i]!);
  }
  return { fit, trainPred, testPred, testMse: yte.length ? se / yte.length : NaN, testMae: yte.length ? ae / yte.length : NaN };
}

/** Impute, PCA on the training rows, then the PC sigmoid and the log-FLOPs sigmoid, each scored on the test rows. */
export function observationalScaling(input: ObsScalingInput): ObsScalingResult {
  const { cols } = input;
  const trainRows = input.trainY.length;
  const testRows = input.testY.length;
  const k = input.components ?? 3;
  const keep = Math.max(k, Math.min(input.pcaComponents ?? 5, cols));
  if (k > cols) throw new RangeError(`observationalScaling: ${k} components from ${cols} benchmarks`);
  const imp = pcaImpute(input.trainBase, trainRows, input.testBase, testRows, cols, input.impute);
  const pca = fitPca(imp.train, trainRows, cols, keep);
  const pcTrain = pcaTransform(pca, imp.train, trainRows, k);
  const pcTest = pcaTransform(pca, imp.test, testRows, k);
  const lnTrain = Float64Array.from(input.trainFlops, Math.log);
  const lnTest = Float64Array.from(input.testFlops, Math.log);
  return {
    explainedVarianceRatio: pca.explainedVarianceRatio,
    imputedShareTrain: imp.missingTrain,
    imputedShareTest: imp.missingTest,
    pc: method(pcTrain, pcTest, k, input.trainY, input.testY),
    flops: method(lnTrain, lnTest, 1, input.trainY, input.testY),
  };
}
