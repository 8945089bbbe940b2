import type { FitForm, ScalingFit } from '../types.js';
import { fitConstant, predictConstant } from './constant.js';
import { fitLinear, predictLinear } from './linear.js';
import { fitPower, predictPower, type PowerGrid } from './power.js';
import { fitSigmoid, predictSigmoid } from './sigmoid.js';

/** The metric's bounds or natural limits (either end may be infinite), or null for none. */
export type Bounds = readonly [number, number] | null;

interface FormDef {
  /** Free parameters. */
  readonly k: number;
  /** `bounds` hold the levels a saturating form approaches; forms without levels ignore them. */
  readonly fit: (x: ArrayLike<number>, y: ArrayLike<number>, yScale: number, bounds?: Bounds) => ScalingFit;
  readonly predict: (p: Readonly<Record<string, number>>, x: number) => number;
}

export const FORMS: Record<FitForm, FormDef> = {
  constant: { k: 1, fit: fitConstant, predict: predictConstant },
  linear: { k: 2, fit: fitLinear, predict: predictLinear },
  power: { k: 3, fit: fitPower, predict: predictPower },
  sigmoid: { k: 4, fit: fitSigmoid, predict: predictSigmoid },
};

/** The scaling forms a verdict compares (the constant is the null its trend test uses instead). */
export const FORM_NAMES: readonly FitForm[] = ['linear', 'power', 'sigmoid'];
/** The forms a forecast chooses among: the scaling forms and "no trend". */
export const FORECAST_FORMS: readonly FitForm[] = ['constant', ...FORM_NAMES];

/**
 * Every scaling form that has at least one residual degree of freedom on n points (n >= k + 1).
 * `powerGrid`: the power law's exponent basis of x (or of points x is a prefix of), shared with the
 * curve's back-test so its exponentials are taken once; the fit is the same with or without it.
 */
export function fitForms(x: ArrayLike<number>, y: ArrayLike<number>, yScale: number, bounds: Bounds = null, powerGrid: PowerGrid | null = null): ScalingFit[] {
  const out: ScalingFit[] = [];
  for (const form of FORM_NAMES) {
    const def = FORMS[form];
    if (x.length < def.k + 1) continue;
    out.push(form === 'power' ? fitPower(x, y, yScale, bounds, powerGrid) : def.fit(x, y, yScale, bounds));
  }
  return out;
}

/** Lowest AICc; among forms whose AICc is not defined, the one with fewest parameters. */
export function bestFit(fits: readonly ScalingFit[]): ScalingFit | null {
  let best: ScalingFit | null = null;
  for (const f of fits) {
    if (best === null) best = f;
    else if (Number.isFinite(f.aicc) || Number.isFinite(best.aicc)) {
      if (f.aicc < best.aicc) best = f;
    } else if (f.k < best.k) best = f;
  }
  return best;
}

export function predict(fit: ScalingFit, x: number): number {
  return FORMS[fit.form].predict(fit.params, x);
}

export { fitConstant, fitLinear, fitPower, fitSigmoid };
export { fitQuadratic } from './quadratic.js';
export type { QuadraticFit } from './quadratic.js';
