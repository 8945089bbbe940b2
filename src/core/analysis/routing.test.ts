import { describe, expect, it } from 'vitest';
import { loadCv, mutualInformation } from './routing.js';

describe('routing figures', () => {
  it('load CV: 0 when even, sqrt(E-1) when one expert takes all, and numpy std/mean otherwise', () => {
    expect(loadCv([5, 5, 5, 5])).toBe(0);
    expect(loadCv([8, 0, 0, 0])).toBeCloseTo(Math.sqrt(3), 12);
    // numpy: a = np.array([1, 2, 3, 6]); a.std() / a.mean() = 0.6236095644623235
    expect(loadCv([1, 2, 3, 6])).toBeCloseTo(0.6236095644623235, 12);
  });

  it('mutual information: 0 for independent tables, H(domain) when the expert determines it, sklearn elsewhere', () => {
    expect(mutualInformation([[10, 10], [5, 5]]).bits).toBeCloseTo(0, 12);
    const det = mutualInformation([[7, 0, 0], [0, 7, 0], [0, 0, 7]]);
    expect(det.bits).toBeCloseTo(Math.log2(3), 12);
    expect(det.ofDomainEntropy).toBeCloseTo(1, 12);
    // sklearn.metrics.mutual_info_score(contingency=[[3, 1], [2, 6]]) = 0.11685812137271767 nats
    expect(mutualInformation([[3, 1], [2, 6]]).bits * Math.LN2).toBeCloseTo(0.11685812137271767, 10);
  });
});
