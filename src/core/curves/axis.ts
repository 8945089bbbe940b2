/**
 * The scale axis of a curve (issue #18.5): parameters by default; training tokens, training
 * compute or the step for checkpoints; or a continuous metric of the same models, such as a
 * pretraining loss, on which models of different sizes and training lengths share one axis
 * (Du et al. 2024, arXiv 2403.15796). The analysis reads every point's `params` on log10, so
 * each axis states how its values become that position:
 * - params, tokens, flops, step: the value itself (log axis; a 0 cannot be placed and is left out);
 * - a metric: 10^(sign·m − offset), so log10 of the position is the metric itself, linear,
 *   oriented so that better (lower loss) lies to the right, shifted to start at 0.
 */
export type AxisKind = 'params' | 'tokens' | 'flops' | 'step' | 'metric';

export interface ScaleAxis {
  readonly kind: AxisKind;
  /** How the user named it: `params`, `tokens`, `c4_en-validation:ce_loss`, `rc_bpb`. */
  readonly name: string;
  /** For titles: `parameters`, `training tokens`, `c4_en-validation ce_loss (lower is better)`. */
  readonly label: string;
  /** A metric axis: where its values come from, and how they map to positions. */
  readonly metric?: {
    /** null: each curve's own task (a task's bits per byte beside its accuracy). */
    readonly task: string | null;
    readonly metric: string;
    readonly higherIsBetter: boolean;
    /** position = 10^(sign·m − offset) */
    readonly sign: 1 | -1;
    readonly offset: number;
  };
}

export const PARAMS_AXIS: ScaleAxis = { kind: 'params', name: 'params', label: 'parameters' };

const LABELS: Record<Exclude<AxisKind, 'metric'>, string> = {
  params: 'parameters',
  tokens: 'training tokens',
  flops: 'training FLOPs',
  step: 'training step',
};

/** What the user asked for, before the data says the metric's direction. */
export type AxisRequest = { readonly kind: Exclude<AxisKind, 'metric'> } | { readonly kind: 'metric'; readonly task: string | null; readonly metric: string };

export function parseAxis(spec: string): AxisRequest {
  const s = spec.trim();
  if (s === 'params' || s === 'tokens' || s === 'flops' || s === 'step') return { kind: s };
  const cut = s.lastIndexOf(':');
  if (cut > 0 && cut < s.length - 1) return { kind: 'metric', task: s.slice(0, cut), metric: s.slice(cut + 1) };
  return { kind: 'metric', task: null, metric: s };
}

export function fixedAxis(kind: Exclude<AxisKind, 'metric'>): ScaleAxis {
  return kind === 'params' ? PARAMS_AXIS : { kind, name: kind, label: LABELS[kind] };
}

/** The axis value (in its own units) of an analysis position. */
export function axisValue(axis: ScaleAxis | undefined, position: number): number {
  const m = axis?.metric;
  return m ? m.sign * (Math.log10(position) + m.offset) : position;
}

/** The analysis position of an axis value. */
export function axisPosition(axis: ScaleAxis | undefined, value: number): number {
  const m = axis?.metric;
  return m ? 10 ** (m.sign * value - m.offset) : value;
}
