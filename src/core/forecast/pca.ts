import { symmetricEigen } from '../icl/linalg.js';

/**
 * Principal components of a (rows × cols, row-major) matrix, as sklearn's PCA computes them: centred on
 * the column means, components ordered by explained variance (covariance with n − 1), each component's
 * sign fixed so that the largest-magnitude score among the fitted rows is positive (sklearn ≤ 1.4
 * `svd_flip`, U-based). Eigendecomposition of the cols × cols covariance by cyclic Jacobi: the matrices
 * here are a handful of benchmarks wide.
 */
export interface Pca {
  readonly cols: number;
  /** Column means of the fitted rows. */
  readonly mean: Float64Array;
  /** components × cols, row-major: unit vectors. */
  readonly components: Float64Array;
  readonly nComponents: number;
  /** Variance along each kept component (n − 1 denominator). */
  readonly explainedVariance: Float64Array;
  /** Its share of the total variance of all cols. */
  readonly explainedVarianceRatio: Float64Array;
}

export function fitPca(X: ArrayLike<number>, rows: number, cols: number, nComponents = cols): Pca {
  if (X.length !== rows * cols) throw new RangeError(`fitPca: ${X.length} values is not ${rows}×${cols}`);
  if (rows < 2) throw new RangeError(`fitPca: needs >= 2 rows, got ${rows}`);
  if (nComponents < 1 || nComponents > cols) throw new RangeError(`fitPca: nComponents ${nComponents} not in 1..${cols}`);
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] = mean[j]! + X[i * cols + j]! / rows;
  for (let j = 0; j < cols; j++) if (!Number.isFinite(mean[j]!)) throw new RangeError(`fitPca: column ${j} has missing or non-finite values`);
  const C = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    for (let a = 0; a < cols; a++) {
      const xa = X[i * cols + a]! - mean[a]!;
      for (let b = a; b < cols; b++) C[a * cols + b] = C[a * cols + b]! + xa * (X[i * cols + b]! - mean[b]!);
    }
  }
  for (let a = 0; a < cols; a++) {
    for (let b = a; b < cols; b++) {
      C[a * cols + b] = C[a * cols + b]! / (rows - 1);
      C[b * cols + a] = C[a * cols + b]!;
    }
  }
  const { values, vectors } = symmetricEigen(C, cols);
  const order = Array.from({ length: cols }, (_, i) => i).sort((p, q) => values[q]! - values[p]!);
  let total = 0;
  for (let j = 0; j < cols; j++) total += Math.max(values[j]!, 0);
  const components = new Float64Array(nComponents * cols);
  const explainedVariance = new Float64Array(nComponents);
  const explainedVarianceRatio = new Float64Array(nComponents);
  for (let c = 0; c < nComponents; c++) {
    const k = order[c]!;
    // Sign: the fitted row with the largest |score| scores positive.
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += (X[i * cols + j]! - mean[j]!) * vectors[j * cols + k]!;
      if (Math.abs(s) > bestAbs + 1e-12 * Math.max(1, bestAbs)) {
        bestAbs = Math.abs(s);
        best = s;
      }
    }
    const sign = best < 0 ? -1 : 1;
    for (let j = 0; j < cols; j++) components[c * cols + j] = sign * vectors[j * cols + k]!;
    explainedVariance[c] = Math.max(values[k]!, 0);
    explainedVarianceRatio[c] = total > 0 ? explainedVariance[c]! / total : 0;
  }
  return { cols, mean, components, nComponents, explainedVariance, explainedVarianceRatio };
}

/** Scores (rows × nComponents) of X on the fitted components. */
export function pcaTransform(pca: Pca, X: ArrayLike<number>, rows: number, k = pca.nComponents): Float64Array {
  const { cols } = pca;
  const out = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += (X[i * cols + j]! - pca.mean[j]!) * pca.components[c * cols + j]!;
      out[i * k + c] = s;
    }
  }
  return out;
}

/** X reconstructed from its scores (rows × nComponents) on the fitted components. */
export function pcaInverse(pca: Pca, Z: ArrayLike<number>, rows: number): Float64Array {
  const { cols, nComponents: k } = pca;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = pca.mean[j]!;
      for (let c = 0; c < k; c++) s += Z[i * k + c]! * pca.components[c * cols + j]!;
      out[i * cols + j] = s;
    }
  }
  return out;
}
