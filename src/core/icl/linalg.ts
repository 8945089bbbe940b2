/**
 * The small dense linear algebra the in-context regression baselines need, in float64 on row-major
 * arrays: the Gram matrix XᵀX of a prompt's points, its eigendecomposition (cyclic Jacobi, exact to
 * rounding for the ≤ 64×64 symmetric matrices here), and Cholesky solves.
 */

/** XᵀX (d × d) and Xᵀy (d) of the first k rows of X (row-major, d columns). */
export function gram(X: ArrayLike<number>, y: ArrayLike<number>, k: number, d: number): { G: Float64Array; b: Float64Array } {
  const G = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let r = 0; r < k; r++) {
    const o = r * d;
    const yr = y[r]!;
    for (let i = 0; i < d; i++) {
      const xi = X[o + i]!;
      b[i] = b[i]! + xi * yr;
      for (let j = i; j < d; j++) G[i * d + j] = G[i * d + j]! + xi * X[o + j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[i * d + j] = G[j * d + i]!;
  return { G, b };
}

/** Eigenvalues and orthonormal eigenvectors (columns of V) of a symmetric n × n matrix. */
export function symmetricEigen(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.5.1).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p]!;
          const vkq = V[k * n + q]!;
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: V };
}

/**
 * w = V · diag(f(λ)) · Vᵀ · b: a spectral function of a symmetric matrix applied to b. With
 * f(λ) = 1/λ above a cutoff (else 0) it is the pseudo-inverse (minimum-norm least squares);
 * with f(λ) = 1/(λ + α) it is ridge.
 */
export function spectralSolve(eig: { values: Float64Array; vectors: Float64Array }, b: ArrayLike<number>, n: number, f: (lambda: number) => number): Float64Array {
  const V = eig.vectors;
  const coef = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += V[i * n + j]! * b[i]!;
    coef[j] = s * f(eig.values[j]!);
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += V[i * n + j]! * coef[j]!;
    w[i] = s;
  }
  return w;
}

/** Cholesky factor L (lower, row-major) of a symmetric positive definite matrix; null when it is not. */
export function cholesky(A: ArrayLike<number>, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  }
  return L;
}

/** Solves (L Lᵀ) x = b. */
export function choleskySolve(L: Float64Array, b: ArrayLike<number>, n: number): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * z[k]!;
    z[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/** log det of L Lᵀ. */
export function choleskyLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]!);
  return 2 * s;
}
