/**
 * emergence-lab as a library: the same functions the `emergence` CLI uses.
 *
 *   import { loadCurves, audit, auditDocument, auditTable } from 'emergence-lab';
 *   const { curves } = loadCurves(['results.csv']);
 *   console.log(auditTable(auditDocument(curves, audit(curves), ['results.csv'], 2, DEFAULT_THRESHOLDS)));
 */
export * from './core/index.js';
export { makeRng, type Rng } from './core/random/rng.js';
export { curveFromArrays } from './core/curves/synthetic.js';
export { importFile, loadCurves, loadModelMap, type LoadOptions, type Loaded } from './importers/load.js';
export { parseJson } from './importers/json-file.js';
export { importTidyCsv, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, type Imported } from './importers/tidy-csv.js';
export { importBigBench, looksLikeBigBench, NORMALIZED_METRIC, type ParamsAxis } from './importers/bigbench-results.js';
export { importLmEvalResults, looksLikeLmEval, familyFromName, type ModelInfo, type ModelMap } from './importers/lm-eval-results.js';
export { bundledResultFiles, packageRoot } from './importers/bundled.js';
export { bundledForecastFiles, loadObservations, splitCheckpoints } from './importers/forecast-inputs.js';
export { auditDocument, type AuditDocument } from './report/audit-document.js';
export { auditTable } from './report/audit-table.js';
export { auditCsv } from './report/audit-csv.js';
export { crossoverDocument, type CrossoverDocument, type CrossoverEntry } from './report/crossover-document.js';
export { crossoverTable } from './report/crossover-table.js';
export { runCli } from './cli/run.js';
export { referenceMetric, porterStem } from './tokenizers/porter-stemmer.js';
export {
  createReferenceMetric, REFERENCE_METRICS, REFERENCE_METRIC_NAMES,
  type ReferenceMetricName, type ReferenceResult, type ReferenceInputs, type ReferenceOptions,
} from './core/metrics/reference-metric.js';
export { wilsonInterval, clopperPearsonInterval, type ProportionInterval } from './core/stats/proportion.js';
export { mcnemar, mcnemarFromCounts, type McNemarResult } from './core/stats/mcnemar.js';
export { pairedBootstrap } from './core/stats/bootstrap.js';
export { comparePaired, comparePairedCorpus, type PairedComparison } from './core/metrics/paired-comparison.js';
export { computeBleu, bleuStats, sentenceBleu, corpusBleu, type BleuOptions, type BleuResult } from './core/metrics/bleu.js';
export { chrfStats, sentenceChrf, corpusChrf, type ChrfOptions } from './core/metrics/chrf.js';
export { terStats, sentenceTer, corpusTer, type TerOptions } from './core/metrics/ter.js';
export { rougeScore, rougeScoreMulti, type RougeScore, type RougeType } from './core/metrics/rouge.js';
