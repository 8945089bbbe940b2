import { softmaxInPlace } from './softmax.js';

/**
 * The router of a mixture-of-experts layer (Switch Transformer, Fedus, Zoph & Shazeer 2022; GShard,
 * Lepikhin et al. 2021): softmax over E experts per token, each token's top-k experts, and their
 * assignment to expert slots under a capacity. Slots go first to every token's first choice in token
 * order, then to second choices (GShard's priority), so a token loses its second expert before any
 * token loses its first; an assignment past its expert's capacity is dropped and contributes nothing
 * (a token with all its assignments dropped passes through the block on the residual alone).
 *
 * Gates: top-1 keeps the router probability p_e as Switch does (so the router gets a gradient through
 * the output); top-k ≥ 2 renormalises over the chosen k (GShard, Mixtral), g_r = p_r / Σ_chosen p.
 * A dropped assignment keeps its share of that sum: dropping does not re-weight the survivors.
 *
 * Precision: Switch keeps the router in float32 where the rest of the model is bfloat16; this engine
 * is float32 throughout, and the softmax below sums in doubles (JS numbers), so the router already
 * runs at full precision and needs no special case. The router is O(N·E) work beside the experts'
 * O(N·C·H) products, so it has no native twin.
 */
export interface Routing {
  /** Top-k experts of token n, best first, at [n·k + r]. */
  readonly choice: Int32Array;
  /** Their gates (see above). */
  readonly gate: Float32Array;
  /** The packed expert row of assignment n·k + r, or −1 when dropped. */
  readonly row: Int32Array;
  /** Expert e's rows are offsets[e] .. offsets[e + 1] of the packed buffers. */
  readonly offsets: Int32Array;
  /** Token of packed row j, and its assignment index n·k + r. */
  readonly rowToken: Int32Array;
  readonly rowAssign: Int32Array;
  /** Tokens whose first choice is expert e (before capacity): Switch's f_e · N. */
  readonly first: Int32Array;
}

export function allocRouting(N: number, E: number, k: number): Routing {
  return {
    choice: new Int32Array(N * k), gate: new Float32Array(N * k), row: new Int32Array(N * k), offsets: new Int32Array(E + 1),
    rowToken: new Int32Array(N * k), rowAssign: new Int32Array(N * k), first: new Int32Array(E),
  };
}

/** Expert capacity for `rows` tokens: ⌊factor · k · rows / E⌋ (Switch's tokens-per-expert × factor, GShard's ×k), at least 1, at most rows. */
export function expertCapacity(factor: number, k: number, rows: number, E: number): number {
  return Math.min(rows, Math.max(1, Math.floor((factor * k * rows) / E)));
}

/** probs (N, E) holds the router logits and becomes their softmax; fills `out` for capacity `cap` (Infinity: none dropped). Returns the packed rows kept. */
export function route(probs: Float32Array, N: number, E: number, k: number, cap: number, out: Routing): number {
  const { choice, gate, row, offsets, rowToken, rowAssign, first } = out;
  first.fill(0);
  for (let n = 0; n < N; n++) {
    softmaxInPlace(probs, n * E, E);
    // Top-k by insertion (k ≤ E is small); ties go to the lower expert index.
    const base = n * k;
    for (let r = 0; r < k; r++) choice[base + r] = -1;
    for (let e = 0; e < E; e++) {
      const v = probs[n * E + e]!;
      let r = k;
      while (r > 0 && (choice[base + r - 1]! < 0 || v > probs[n * E + choice[base + r - 1]!]!)) r--;
      if (r >= k) continue;
      for (let s = k - 1; s > r; s--) choice[base + s] = choice[base + s - 1]!;
      choice[base + r] = e;
    }
    first[choice[base]!]!++;
    if (k === 1) gate[base] = probs[n * E + choice[base]!]!;
    else {
      let s = 0;
      for (let r = 0; r < k; r++) s += probs[n * E + choice[base + r]!]!;
      for (let r = 0; r < k; r++) gate[base + r] = probs[n * E + choice[base + r]!]! / s;
    }
  }
  // Slots by priority: first choices in token order, then second choices, … (GShard).
  const used = new Int32Array(E);
  const slot = row; // slot within the expert for now; made a packed row below
  for (let r = 0; r < k; r++) {
    for (let n = 0; n < N; n++) {
      const e = choice[n * k + r]!;
      slot[n * k + r] = used[e]! < cap ? used[e]!++ : -1;
    }
  }
  offsets[0] = 0;
  for (let e = 0; e < E; e++) offsets[e + 1] = offsets[e]! + used[e]!;
  for (let a = 0; a < N * k; a++) {
    if (slot[a]! < 0) continue;
    const j = offsets[choice[a]!]! + slot[a]!;
    row[a] = j;
    rowToken[j] = Math.floor(a / k);
    rowAssign[j] = a;
  }
  return offsets[E]!;
}

/**
 * Switch's load-balancing loss α·E·Σ_e f_e·P_e: f_e the share of tokens whose first choice is e,
 * P_e the mean router probability of e. f is a count, so the gradient flows through P alone:
 * ∂/∂p_{n,e} = α·E·f_e / N, accumulated into dprobs (N, E) when given. Returns the loss.
 */
export function loadBalance(probs: Float32Array, first: Int32Array, N: number, E: number, alpha: number, dprobs: Float32Array | null): number {
  let loss = 0;
  for (let e = 0; e < E; e++) {
    let P = 0;
    for (let n = 0; n < N; n++) P += probs[n * E + e]!;
    const f = first[e]! / N;
    loss += f * (P / N);
    if (dprobs) {
      const d = (alpha * E * f) / N;
      if (d !== 0) for (let n = 0; n < N; n++) dprobs[n * E + e] = dprobs[n * E + e]! + d;
    }
  }
  return alpha * E * loss;
}

/**
 * d(gates) → d(router probabilities), accumulated into dprobs (N, E): top-1's gate is p itself; the
 * renormalised top-k gate g_r = p_r/S gives ∂L/∂p_s = (∂L/∂g_s − Σ_r ∂L/∂g_r·g_r) / S over the chosen s.
 */
export function gateBackward(dprobs: Float32Array, dgate: Float32Array, probs: Float32Array, r: Routing, N: number, E: number, k: number): void {
  const { choice, gate } = r;
  for (let n = 0; n < N; n++) {
    const b = n * k;
    if (k === 1) {
      dprobs[n * E + choice[b]!] = dprobs[n * E + choice[b]!]! + dgate[b]!;
      continue;
    }
    let S = 0, dot = 0;
    for (let q = 0; q < k; q++) {
      S += probs[n * E + choice[b + q]!]!;
      dot += dgate[b + q]! * gate[b + q]!;
    }
    for (let q = 0; q < k; q++) dprobs[n * E + choice[b + q]!] = dprobs[n * E + choice[b + q]!]! + (dgate[b + q]! - dot) / S;
  }
}

/** Softmax backward per row: dlogits += p ⊙ (dp − Σ p·dp). */
export function softmaxRowsBackward(dlogits: Float32Array, dprobs: Float32Array, probs: Float32Array, N: number, E: number): void {
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let e = 0; e < E; e++) s += probs[n * E + e]! * dprobs[n * E + e]!;
    for (let e = 0; e < E; e++) dlogits[n * E + e] = dlogits[n * E + e]! + probs[n * E + e]! * (dprobs[n * E + e]! - s);
  }
}

/** Router entropy −Σ p log p averaged over tokens, in nats. */
export function meanEntropy(probs: Float32Array, N: number, E: number): number {
  let h = 0;
  for (let i = 0; i < N * E; i++) {
    const p = probs[i]!;
    if (p > 0) h -= p * Math.log(p);
  }
  return N > 0 ? h / N : 0;
}
