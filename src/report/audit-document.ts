import type { Curve, Verdict } from '../core/types.js';
import type { AuditReport, FdrSummary, MetricShare, MetricSwap } from '../core/analysis/audit.js';
import type { Scoreboard } from '../core/analysis/scoreboard.js';
import type { VerdictThresholds } from '../core/analysis/thresholds.js';
import { curveId } from '../core/curves/key.js';
import { PARAMS_AXIS, type ScaleAxis } from '../core/curves/axis.js';

/**
 * The one data model every output is built from (`--json`, `--csv`, the table, and the web
 * report): curves with their points, each beside its verdict. Nothing is computed twice.
 */
export interface AuditDocument {
  readonly kind: 'emergence-audit';
  readonly version: 1;
  readonly inputs: readonly string[];
  readonly holdout: number;
  readonly thresholds: VerdictThresholds;
  /**
   * The scale axis of every curve. Points' `params` is the position the analysis read (log10);
   * on a non-default axis each point also has `x`, the value in the axis's units, and `modelParams`.
   */
  readonly axis: ScaleAxis;
  /** FDR control across the audit (null under --no-fdr): the level, the procedure, the cutoffs and how many calls survived. */
  readonly fdr: FdrSummary | null;
  readonly curves: readonly (Verdict & { readonly id: string; readonly higherIsBetter: boolean; readonly points: Curve['points']; readonly sources: readonly string[] })[];
  readonly swaps: readonly MetricSwap[];
  readonly meta: readonly MetricShare[];
  /** Headline back-test errors of the forecast beside the naive ones, per task family (core/analysis/scoreboard.ts). */
  readonly scoreboard: Scoreboard;
}

export function auditDocument(
  curves: readonly Curve[],
  report: AuditReport,
  inputs: readonly string[],
  holdout: number,
  thresholds: VerdictThresholds,
  axis: ScaleAxis = PARAMS_AXIS,
): AuditDocument {
  return {
    kind: 'emergence-audit',
    version: 1,
    inputs,
    holdout,
    thresholds,
    axis,
    fdr: report.fdr,
    curves: report.verdicts.map((v, i) => ({
      id: curveId(v.key),
      ...v,
      higherIsBetter: curves[i]!.higherIsBetter,
      points: curves[i]!.points,
      sources: curves[i]!.sources,
    })),
    swaps: report.swaps,
    meta: report.meta,
    scoreboard: report.scoreboard,
  };
}
