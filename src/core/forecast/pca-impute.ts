import { fitPca, pcaInverse, pcaTransform, type Pca } from './pca.js';

/**
 * Missing benchmark scores filled in by low-rank PCA reconstruction, fitted on the training rows only
 * (ObsScaling `utils/data.py` `pca_impute`; Ruan, Maddison, Hashimoto 2024, arXiv 2405.10938, §3.2):
 * standardise each column on the training rows (population sd, missing ignored), fill the gaps with the
 * column mean, then repeatedly refit a `components`-PCA and replace only the missing cells by their
 * reconstruction until the whole matrix agrees with its reconstruction to `tol` (numpy `allclose`,
 * rtol 1e-5) or `maxIterations` pass. Test rows are filled the same way with the training scaler and
 * the last training PCA, never refitted. Results are unscaled and clipped to `bounds`.
 * Missing cells are NaN; matrices are row-major rows × cols.
 */
export interface ImputeOptions {
  readonly components?: number;
  readonly maxIterations?: number;
  readonly tol?: number;
  readonly bounds?: readonly [number, number] | null;
}

export interface Imputed {
  readonly train: Float64Array;
  readonly test: Float64Array;
  /** Refinement rounds run on the training rows. */
  readonly iterations: number;
  /** Share of training / test cells that were missing. */
  readonly missingTrain: number;
  readonly missingTest: number;
}

function allClose(a: Float64Array, b: Float64Array, atol: number): boolean {
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= atol + 1e-5 * Math.abs(b[i]!))) return false;
  return true;
}

export function pcaImpute(train: ArrayLike<number>, trainRows: number, test: ArrayLike<number>, testRows: number, cols: number, opts: ImputeOptions = {}): Imputed {
  const components = opts.components ?? 1;
  const maxIterations = opts.maxIterations ?? 1000;
  const tol = opts.tol ?? 1e-4;
  const bounds = opts.bounds === undefined ? ([0, 1] as const) : opts.bounds;
  if (train.length !== trainRows * cols || test.length !== testRows * cols) throw new RangeError('pcaImpute: matrix sizes do not match rows × cols');
  const mu = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < trainRows; i++) {
      const v = train[i * cols + j]!;
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    if (c === 0) throw new RangeError(`pcaImpute: column ${j} has no observed value among the training rows`);
    mu[j] = s / c;
    let ss = 0;
    for (let i = 0; i < trainRows; i++) {
      const v = train[i * cols + j]!;
      if (!Number.isNaN(v)) ss += (v - mu[j]!) ** 2;
    }
    const v = Math.sqrt(ss / c);
    sd[j] = v > 0 ? v : 1;
  }
  const scale = (X: ArrayLike<number>, rows: number): { Z: Float64Array; miss: Uint8Array; missing: number } => {
    const Z = new Float64Array(rows * cols);
    const miss = new Uint8Array(rows * cols);
    let missing = 0;
    for (let i = 0; i < rows * cols; i++) {
      const v = X[i]!;
      if (Number.isNaN(v)) {
        miss[i] = 1;
        missing++;
        Z[i] = 0; // the training column mean, standardised; exactly sklearn's mean of the scaled column up to rounding
      } else Z[i] = (v - mu[i % cols]!) / sd[i % cols]!;
    }
    return { Z, miss, missing };
  };
  const refine = (Z: Float64Array, miss: Uint8Array, rows: number, refit: boolean, pca: Pca | null): { pca: Pca | null; rounds: number } => {
    let rounds = 0;
    let current = pca;
    for (let it = 0; it < maxIterations; it++) {
      if (refit) current = fitPca(Z, rows, cols, components);
      const inv = pcaInverse(current!, pcaTransform(current!, Z, rows), rows);
      if (allClose(Z, inv, tol)) break;
      for (let i = 0; i < Z.length; i++) if (miss[i]) Z[i] = inv[i]!;
      rounds++;
    }
    return { pca: current, rounds };
  };
  const tr = scale(train, trainRows);
  const { pca, rounds } = refine(tr.Z, tr.miss, trainRows, true, null);
  const te = scale(test, testRows);
  if (testRows > 0) refine(te.Z, te.miss, testRows, false, pca);
  const unscale = (Z: Float64Array): Float64Array => {
    const out = new Float64Array(Z.length);
    for (let i = 0; i < Z.length; i++) {
      let v = Z[i]! * sd[i % cols]! + mu[i % cols]!;
      if (bounds) v = Math.min(bounds[1], Math.max(bounds[0], v));
      out[i] = v;
    }
    return out;
  };
  return {
    train: unscale(tr.Z),
    test: unscale(te.Z),
    iterations: rounds,
    missingTrain: tr.missing / Math.max(1, trainRows * cols),
    missingTest: te.missing / Math.max(1, testRows * cols),
  };
}
