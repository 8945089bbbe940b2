/**
 * Figures of a mixture of experts' routing (moe-vs-dense): how evenly the load falls on the experts,
 * and how much the expert a token goes to says about the domain it came from.
 */

/** Coefficient of variation (population sd / mean) of the experts' loads: 0 when even, √(E−1) when one expert takes all. */
export function loadCv(loads: ArrayLike<number>): number {
  const n = loads.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += loads[i]!;
  if (n === 0 || s === 0) return 0;
  const mean = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (loads[i]! - mean) ** 2;
  return Math.sqrt(v / n) / mean;
}

/**
 * Mutual information I(expert; domain) in bits of a contingency table counts[e][d] (plug-in
 * estimate), and the same as a share of H(domain): 1 when the expert determines the domain.
 */
export function mutualInformation(counts: readonly (readonly number[])[]): { bits: number; ofDomainEntropy: number } {
  const E = counts.length, D = counts[0]?.length ?? 0;
  let N = 0;
  const pe = new Array<number>(E).fill(0), pd = new Array<number>(D).fill(0);
  for (let e = 0; e < E; e++) for (let d = 0; d < D; d++) {
    const c = counts[e]![d]!;
    N += c;
    pe[e]! += c;
    pd[d]! += c;
  }
  if (N === 0) return { bits: 0, ofDomainEntropy: 0 };
  let mi = 0, hd = 0;
  for (let e = 0; e < E; e++) for (let d = 0; d < D; d++) {
    const c = counts[e]![d]!;
    if (c > 0) mi += (c / N) * Math.log2((c * N) / (pe[e]! * pd[d]!));
  }
  for (let d = 0; d < D; d++) if (pd[d]! > 0) hd -= (pd[d]! / N) * Math.log2(pd[d]! / N);
  return { bits: mi, ofDomainEntropy: hd > 0 ? mi / hd : 0 };
}
