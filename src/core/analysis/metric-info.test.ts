import { describe, expect, it } from 'vitest';
import { metricInfo, metricScale } from './metric-info.js';

describe('metricInfo', () => {
  it("reads lm-eval's filtered metrics as their base metric", () => {
    expect(metricInfo('exact_match')).not.toBeNull();
    expect(metricInfo('exact_match/strict-match')).toEqual(metricInfo('exact_match'));
    expect(metricInfo('exact_match/flexible-extract')).toEqual(metricInfo('exact_match'));
    expect(metricScale('acc/none')).toEqual([0, 1]);
  });
  it('knows nothing of a metric it has never heard of, filtered or not', () => {
    expect(metricInfo('my_custom_score')).toBeNull();
    expect(metricInfo('my_custom_score/strict')).toBeNull();
    expect(metricInfo('/exact_match')).toBeNull();
  });
});
