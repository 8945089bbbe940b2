/**
 * How finely a test set of n examples can measure a rate (Schaeffer et al. 2023 §3: small test
 * sets make small models read 0). A score of exactly 0 on n examples says the true rate is below
 * 1 − α^(1/n) at confidence 1 − α (≈ 3/n at 95%, the "rule of three"), not that it is 0.
 */
export interface Resolution {
  readonly n: number;
  /** The smallest non-zero score the test set can show: 1/n. */
  readonly smallestNonZero: number;
  /** Upper 95% bound on the true rate when 0 of n are right: 1 − 0.05^(1/n). */
  readonly zeroUpper95: number;
}

export function resolution(n: number): Resolution {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`resolution: n must be a whole number >= 1, got ${n}`);
  return { n, smallestNonZero: 1 / n, zeroUpper95: detectionFloor(n) };
}

/**
 * The detection floor of a test set of `problems` × `samplesPerProblem` independent draws: the
 * smallest mean rate that shows as non-zero with probability `level`, 1 − (1 − level)^(1/(n·m))
 * (≈ 3/(n·m) at 95%). Below it a score of 0 is what the rate most likely reads. Heterogeneous
 * problems only lower the chance of reading 0 (AM–GM: Π (1 − p_i)^m <= (1 − p̄)^(n·m)), so the
 * floor holds for any mix of per-problem rates with mean p̄.
 */
export function detectionFloor(problems: number, samplesPerProblem = 1, level = 0.95): number {
  if (!(Number.isInteger(problems) && problems >= 1)) throw new RangeError(`detectionFloor: problems must be a whole number >= 1, got ${problems}`);
  if (!(Number.isInteger(samplesPerProblem) && samplesPerProblem >= 1)) throw new RangeError(`detectionFloor: samplesPerProblem must be a whole number >= 1, got ${samplesPerProblem}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`detectionFloor: level must be in (0, 1), got ${level}`);
  return 1 - Math.pow(1 - level, 1 / (problems * samplesPerProblem));
}

/** Probability that a model with true rate p scores exactly 0 on n independent examples: (1 − p)^n. */
export function probabilityOfZero(p: number, n: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probabilityOfZero: p must be in [0, 1], got ${p}`);
  return Math.pow(1 - p, n);
}

/** Examples needed so that a true rate p shows as non-zero with probability `power`: ⌈ln(1 − power)/ln(1 − p)⌉. */
export function examplesToSee(p: number, power = 0.95): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`examplesToSee: p must be in (0, 1), got ${p}`);
  return Math.ceil(Math.log(1 - power) / Math.log(1 - p));
}
