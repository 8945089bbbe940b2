export { crossoverOfCurves, crossoverOfSamples, fitVariant, itemDiffSe, quantileWithInfinities } from './crossover.js';
export { crossingPhrase, outcomePhrase, type PairNames } from './describe.js';
export type { Crossing, CrossingInterval, CrossingKind, CrossoverOptions, CrossoverOutcome, CrossoverResult, DifferencePoint, ItemPoint, ItemVariant, NoiseSource } from './crossover.js';
export { pairCurves, parseCompareSpec, fieldValue, type CompareSpec, type CurvePair, type Pairing } from './pair.js';
export { signChanges, type CrossDirection, type Root, type SignScan } from './roots.js';
