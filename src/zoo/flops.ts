import type { GptConfig } from './gpt.js';
import { isMoeBlock } from './moe.js';
import { mlpHidden } from './trunk.js';

/**
 * Counted forward FLOPs per token of a GPT over a context of T (2 per multiply-add): the
 * projections, causal attention's QKᵀ and att·V (each token attends to (T+1)/2 positions on
 * average), the MLP or, in an MoE block, the router's product, its softmax (≈3 per expert: exp, sum,
 * divide) and top-k (E·k comparisons), k experts and the gated combine (k·C multiply-adds), and the
 * tied head. Norms, GELU and embedding lookups are left out as in Kaplan et al.'s 6N. A training
 * step is 3× this per token (backward ≈ 2× forward). Dense and sparse members are compared on it.
 */
export function forwardFlopsPerToken(c: GptConfig, T: number): number {
  const C = c.nEmbd, H = mlpHidden(c), ctx = (T + 1) / 2;
  let f = 2 * C * c.vocabSize;
  for (let l = 0; l < c.nLayer; l++) {
    f += 2 * (3 * C * C + C * C) + 2 * 2 * ctx * C;
    if (isMoeBlock(c.moe, l)) {
      const { experts: E, topK: k } = c.moe!;
      f += 2 * C * E + 3 * E + E * k + k * 2 * (2 * C * H) + 2 * k * C;
    } else f += 2 * (2 * C * H);
  }
  return f;
}
