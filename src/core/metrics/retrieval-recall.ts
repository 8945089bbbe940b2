/**
 * Retrieval recall@k: the share of questions whose top k retrieved passages hold at least one that
 * supports the answer (answer recall in the sense of Karpukhin et al. 2020's top-k accuracy; a
 * question with no supporting passage in the collection counts as a miss). Null for no questions.
 */
export function recallAtK(items: readonly { readonly retrieved: readonly string[]; readonly supports: readonly string[] }[], k: number): number | null {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`k must be a whole number >= 1, got ${k}`);
  if (items.length === 0) return null;
  let hit = 0;
  for (const it of items) {
    const gold = new Set(it.supports);
    if (it.retrieved.slice(0, k).some((id) => gold.has(id))) hit++;
  }
  return hit / items.length;
}
