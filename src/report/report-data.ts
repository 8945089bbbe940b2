import { metricScale } from '../core/analysis/metric-info.js';
import type { AuditDocument } from './audit-document.js';
import type { CrossoverDocument } from './crossover-document.js';

/**
 * What the web page needs of an audit document: every curve's points, verdict, reasons and
 * measures, its best fit and its headline back-test (with the fit the forecast came from). A
 * projection of the same model `--json` writes: no curve is judged again. The page evaluates the
 * fits it is given and rebuilds the summaries across curves (meta-analysis, metric swaps,
 * scoreboard) with the audit's own functions for whichever curves its filters keep.
 */
export type ReportCurve = Pick<AuditDocument['curves'][number], 'id' | 'key' | 'verdict' | 'qualifier' | 'reasons' | 'measures' | 'bestForm' | 'trendP' | 'trendQ' | 'emergenceP' | 'emergenceQ' | 'headline' | 'surprise' | 'higherIsBetter' | 'points'> & {
  readonly bestFit: AuditDocument['curves'][number]['fits'][number] | null;
  /** The metric's scale bounds or natural limits: forecasts are drawn clipped to them, as the back-test scores them. */
  readonly limits: readonly [number, number] | null;
};
/** One line of a line chart: a model's values (solid) or a reference's (dashed), null where it has none. */
export interface LineSeries {
  readonly name: string;
  readonly kind: 'model' | 'reference';
  readonly values: readonly (number | null)[];
}
/** Values against a shared x axis, such as squared error against the number of in-context examples. */
export interface LineChart {
  readonly title: string;
  readonly x: readonly number[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  /** The y axis: by default log when every value is positive (errors), else linear; accuracies read better linear. */
  readonly yScale?: 'linear' | 'log';
  /** Model lines as shades of one colour, light to dark (a size ladder, the default), or each its own colour (different quantities). */
  readonly palette?: 'shades' | 'distinct';
}
/** Charts an experiment adds to its report, above the audit's panels. */
export interface ChartSection {
  readonly title: string;
  readonly note: string;
  readonly charts: readonly LineChart[];
}

export interface ReportData {
  readonly title: string;
  /** An experiment's own charts, drawn before the audit's panels. */
  readonly sections?: readonly ChartSection[];
  /** `audit --compare`: the crossover panels, drawn before the audit's panels. */
  readonly crossovers?: CrossoverDocument;
  /** Viewer mode: "family|model|task" → URL of that run's samples. */
  readonly links?: Readonly<Record<string, string>>;
  readonly inputs: readonly string[];
  readonly holdout: number;
  /** The scale axis the panels are drawn against (absent: parameters). */
  readonly axis?: AuditDocument['axis'];
  /** The audit's minimum number of points for a verdict: the page's default filter, so it opens on what the table shows. */
  readonly minPoints: number;
  /** Curves FDR control ran across (null under --no-fdr): the page's summaries keep the audit's verdicts. */
  readonly fdrTests: number | null;
  readonly curves: readonly ReportCurve[];
}

export function reportData(doc: AuditDocument, title: string, links?: Readonly<Record<string, string>>, sections?: readonly ChartSection[], crossovers?: CrossoverDocument): ReportData {
  return {
    title,
    ...(links ? { links } : {}),
    ...(sections && sections.length > 0 ? { sections } : {}),
    ...(crossovers ? { crossovers } : {}),
    inputs: doc.inputs,
    holdout: doc.holdout,
    minPoints: doc.thresholds.minPoints,
    fdrTests: doc.fdr === null ? null : doc.fdr.tests,
    ...(doc.axis && doc.axis.kind !== 'params' ? { axis: doc.axis } : {}),
    curves: doc.curves.map((c) => ({
      id: c.id, key: c.key, verdict: c.verdict, qualifier: c.qualifier, reasons: c.reasons, measures: c.measures, bestForm: c.bestForm, trendQ: c.trendQ, emergenceP: c.emergenceP, emergenceQ: c.emergenceQ,
      trendP: c.trendP, headline: c.headline, surprise: c.surprise, higherIsBetter: c.higherIsBetter,
      points: c.points.map((p) => ({ ...p, extra: {} })),
      bestFit: c.fits.find((f) => f.form === c.bestForm) ?? null,
      limits: metricScale(c.key.metric),
    })),
  };
}
