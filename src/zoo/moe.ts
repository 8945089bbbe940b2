import type { Gemm } from './engine/gemm.js';
import { kernels } from './engine/kernels.js';
import { linearBackward, linearForward } from './engine/layers/linear.js';
import { allocRouting, expertCapacity, gateBackward, loadBalance, meanEntropy, route, softmaxRowsBackward, type Routing } from './engine/layers/moe-route.js';

/**
 * A sparse mixture-of-experts feed-forward layer (Switch Transformer; GLaM puts one in every other
 * block): a bias-free router C → E, each token's top-k experts under a capacity (moe-route.ts), and E
 * expert MLPs of the dense block's shape (c_fc, GELU, c_proj), so top-1 costs a dense MLP's compute
 * per token plus the router while the parameters grow E-fold. A block's output is Σ gate·expert(x)
 * over the token's kept assignments; the auxiliary load-balancing loss of each MoE block is added to
 * the training objective (its gradient flows in `backward`), and reported apart from the
 * cross-entropy. Each expert gathers its tokens into contiguous rows, so its products are ordinary
 * GEMMs, and its output is scattered back, weighted by the gate.
 */
export interface MoeConfig {
  readonly experts: number;
  /** 1 (Switch) or more (GShard, GLaM: 2). */
  readonly topK: number;
  /** Expert capacity = ⌊factor·k·tokens/E⌋ in a training or scoring pass; decoding drops nothing. */
  readonly capacityFactor: number;
  /** Weight of the load-balancing loss (Switch: 1e-2). */
  readonly alpha: number;
  /** MoE in blocks every−1, 2·every−1, …: 2 is every other block, 1 is all. */
  readonly every: number;
}

export function checkMoe(m: MoeConfig, nLayer: number): void {
  const bad = (field: string, why: string): never => {
    throw new RangeError(`moe.${field} ${why}`);
  };
  if (!Number.isInteger(m.experts) || m.experts < 2 || m.experts > 256) bad('experts', `must be a whole number 2..256, got ${m.experts}`);
  if (!Number.isInteger(m.topK) || m.topK < 1 || m.topK > m.experts) bad('topK', `must be a whole number 1..experts (${m.experts}), got ${m.topK}`);
  if (!(m.capacityFactor > 0) || !Number.isFinite(m.capacityFactor)) bad('capacityFactor', `must be a number > 0, got ${m.capacityFactor}`);
  if (!(m.alpha >= 0) || !Number.isFinite(m.alpha)) bad('alpha', `must be a number >= 0, got ${m.alpha}`);
  if (!Number.isInteger(m.every) || m.every < 1 || m.every > nLayer) bad('every', `must be a whole number 1..nLayer (${nLayer}), got ${m.every}`);
}

export function isMoeBlock(m: MoeConfig | undefined, l: number): boolean {
  return m !== undefined && (l + 1) % m.every === 0;
}

/** Block l's MoE tensors under `h.l.moe.`: the router, then each expert's MLP as the dense one names it. */
export function moeShapes(prefix: string, m: MoeConfig, C: number, H: number): [string, number[]][] {
  const out: [string, number[]][] = [[`${prefix}moe.router.weight`, [m.experts, C]]];
  for (let e = 0; e < m.experts; e++) {
    const p = `${prefix}moe.experts.${e}.`;
    out.push([`${p}c_fc.weight`, [H, C]], [`${p}c_fc.bias`, [H]], [`${p}c_proj.weight`, [C, H]], [`${p}c_proj.bias`, [C]]);
  }
  return out;
}

/** One MoE block's activations over `rows` tokens: the router's, the routing, and the experts' packed rows (k·rows at most). */
export interface MoeActs {
  readonly probs: Float32Array;
  readonly routing: Routing;
  readonly xs: Float32Array;
  readonly fch: Float32Array;
  readonly gelu: Float32Array;
  readonly deriv: Float32Array | null;
  readonly ys: Float32Array;
  /** Packed rows kept, the capacity used, and the last pass's figures (moe stats). */
  kept: number;
  capacity: number;
  aux: number;
  entropy: number;
}

export function moeActs(rows: number, m: MoeConfig, C: number, H: number, training: boolean): MoeActs {
  const R = rows * m.topK, f = (n: number): Float32Array => new Float32Array(n);
  return {
    probs: f(rows * m.experts), routing: allocRouting(rows, m.experts, m.topK),
    xs: f(R * C), fch: f(R * H), gelu: f(R * H), deriv: training ? f(R * H) : null, ys: f(R * C),
    kept: 0, capacity: 0, aux: 0, entropy: 0,
  };
}

type Tensor = (name: string) => Float32Array;

/** Milliseconds spent in the router (its GEMM, softmax, top-k, slots, load balance; forward and backward), in gathering and scattering tokens, and in the experts. */
export interface MoeProfile {
  router: number;
  dispatch: number;
  experts: number;
}

let profile: MoeProfile | null = null;

/** Starts accumulating MoE time into `p` (bench/train's routing share), or stops with null; off by default, costing nothing. */
export function profileMoe(p: MoeProfile | null): void {
  profile = p;
}

function lap(part: keyof MoeProfile, t0: number): number {
  const t = performance.now();
  profile![part] += t - t0;
  return t;
}

/**
 * y (rows, C) = the layer on x (rows, C); `limit` false routes without a capacity (decoding, where a
 * batch of one token per row would otherwise starve experts). Returns the load-balancing loss.
 */
export function moeForward(gemm: Gemm, P: Tensor, m: MoeConfig, a: MoeActs, x: Float32Array, y: Float32Array, rows: number, C: number, H: number, limit: boolean): number {
  const E = m.experts, k = m.topK, r = a.routing;
  let t = profile ? performance.now() : 0;
  linearForward(gemm, a.probs, x, P('moe.router.weight'), null, rows, C, E);
  a.capacity = limit ? expertCapacity(m.capacityFactor, k, rows, E) : rows;
  a.kept = route(a.probs, rows, E, k, a.capacity, r);
  if (profile) t = lap('router', t);
  for (let j = 0; j < a.kept; j++) a.xs.set(x.subarray(r.rowToken[j]! * C, (r.rowToken[j]! + 1) * C), j * C);
  if (profile) t = lap('dispatch', t);
  const kn = kernels();
  for (let e = 0; e < E; e++) {
    const o = r.offsets[e]!, n = r.offsets[e + 1]! - o;
    if (n === 0) continue;
    const X = (buf: Float32Array, w: number): Float32Array => buf.subarray(o * w, (o + n) * w);
    const p = `moe.experts.${e}.`;
    linearForward(gemm, X(a.fch, H), X(a.xs, C), P(`${p}c_fc.weight`), P(`${p}c_fc.bias`), n, C, H);
    kn.geluForward(X(a.gelu, H), X(a.fch, H), n * H, a.deriv ? X(a.deriv, H) : null);
    linearForward(gemm, X(a.ys, C), X(a.gelu, H), P(`${p}c_proj.weight`), P(`${p}c_proj.bias`), n, H, C);
  }
  if (profile) t = lap('experts', t);
  y.fill(0, 0, rows * C);
  for (let j = 0; j < a.kept; j++) {
    const g = r.gate[r.rowAssign[j]!]!, o = r.rowToken[j]! * C;
    for (let c = 0; c < C; c++) y[o + c] = y[o + c]! + g * a.ys[j * C + c]!;
  }
  if (profile) t = lap('dispatch', t);
  a.entropy = meanEntropy(a.probs, rows, E);
  a.aux = loadBalance(a.probs, r.first, rows, E, m.alpha, null);
  if (profile) lap('router', t);
  return a.aux;
}

/** Scratch of the backward pass, sized by the forward's rows; shared by a trunk's MoE blocks. */
export interface MoeGrads {
  dys: Float32Array; dgelu: Float32Array; dfch: Float32Array; dxs: Float32Array; dgate: Float32Array; dprobs: Float32Array; dlogits: Float32Array;
}

export function moeGrads(rows: number, m: MoeConfig, C: number, H: number): MoeGrads {
  const R = rows * m.topK, f = (n: number): Float32Array => new Float32Array(n);
  return { dys: f(R * C), dgelu: f(R * H), dfch: f(R * H), dxs: f(R * C), dgate: f(R), dprobs: f(rows * m.experts), dlogits: f(rows * m.experts) };
}

/**
 * Back-propagates dy (rows, C) of the last forward plus the load-balancing loss: accumulates every
 * MoE tensor's gradient and d(x) into dx (rows, C).
 */
export function moeBackward(gemm: Gemm, P: Tensor, G: Tensor, m: MoeConfig, a: MoeActs, s: MoeGrads, dx: Float32Array, dy: Float32Array, x: Float32Array, rows: number, C: number, H: number): void {
  const E = m.experts, k = m.topK, r = a.routing, R = a.kept;
  let t = profile ? performance.now() : 0;
  s.dys.fill(0, 0, R * C);
  s.dgate.fill(0, 0, rows * k);
  // y[t] += g·ys[j]: d(ys[j]) = g·dy[t], d(g) = dy[t]·ys[j].
  for (let j = 0; j < R; j++) {
    const as = r.rowAssign[j]!, g = r.gate[as]!, o = r.rowToken[j]! * C;
    let dot = 0;
    for (let c = 0; c < C; c++) {
      const d = dy[o + c]!;
      s.dys[j * C + c] = g * d;
      dot += d * a.ys[j * C + c]!;
    }
    s.dgate[as] = dot;
  }
  if (profile) t = lap('dispatch', t);
  s.dgelu.fill(0, 0, R * H);
  s.dfch.fill(0, 0, R * H);
  s.dxs.fill(0, 0, R * C);
  const kn = kernels();
  for (let e = 0; e < E; e++) {
    const o = r.offsets[e]!, n = r.offsets[e + 1]! - o;
    if (n === 0) continue;
    const X = (buf: Float32Array, w: number): Float32Array => buf.subarray(o * w, (o + n) * w);
    const p = `moe.experts.${e}.`;
    linearBackward(gemm, X(s.dgelu, H), G(`${p}c_proj.weight`), G(`${p}c_proj.bias`), X(s.dys, C), X(a.gelu, H), P(`${p}c_proj.weight`), n, H, C);
    kn.geluBackward(X(s.dfch, H), X(a.fch, H), X(s.dgelu, H), n * H, a.deriv ? X(a.deriv, H) : null);
    linearBackward(gemm, X(s.dxs, C), G(`${p}c_fc.weight`), G(`${p}c_fc.bias`), X(s.dfch, H), X(a.xs, C), P(`${p}c_fc.weight`), n, C, H);
  }
  if (profile) t = lap('experts', t);
  for (let j = 0; j < R; j++) {
    const o = r.rowToken[j]! * C;
    for (let c = 0; c < C; c++) dx[o + c] = dx[o + c]! + s.dxs[j * C + c]!;
  }
  if (profile) t = lap('dispatch', t);
  // The router: gates and the load-balancing loss reach the probabilities, the softmax the logits.
  s.dprobs.fill(0, 0, rows * E);
  s.dlogits.fill(0, 0, rows * E);
  gateBackward(s.dprobs, s.dgate, a.probs, r, rows, E, k);
  loadBalance(a.probs, r.first, rows, E, m.alpha, s.dprobs);
  softmaxRowsBackward(s.dlogits, s.dprobs, a.probs, rows, E);
  linearBackward(gemm, dx, G('moe.router.weight'), null, s.dlogits, x, P('moe.router.weight'), rows, C, E);
  if (profile) lap('router', t);
}

/** What one MoE block's routing did on the last pass: for the load, drop and specialisation figures. */
export interface MoeStats {
  readonly layer: number;
  readonly tokens: number;
  readonly capacity: number;
  /** Tokens whose first choice was each expert (before capacity), and rows each expert kept. */
  readonly first: Int32Array;
  readonly kept: Int32Array;
  /** Assignments dropped over capacity, of tokens·k. */
  readonly dropped: number;
  /** Tokens with every assignment dropped (their block output is the residual alone): the count, and 1 per such token. */
  readonly tokensDropped: number;
  readonly passed: Uint8Array;
  readonly entropy: number;
  readonly aux: number;
  /** Each token's first-choice expert, (tokens). */
  readonly top1: Int32Array;
}

export function moeStats(layer: number, m: MoeConfig, a: MoeActs, rows: number): MoeStats {
  const E = m.experts, k = m.topK, r = a.routing;
  const kept = new Int32Array(E);
  for (let e = 0; e < E; e++) kept[e] = r.offsets[e + 1]! - r.offsets[e]!;
  let tokensDropped = 0;
  const top1 = new Int32Array(rows), passed = new Uint8Array(rows);
  for (let n = 0; n < rows; n++) {
    top1[n] = r.choice[n * k]!;
    let any = false;
    for (let q = 0; q < k; q++) if (r.row[n * k + q]! >= 0) any = true;
    if (!any) {
      tokensDropped++;
      passed[n] = 1;
    }
  }
  return { layer, tokens: rows, capacity: a.capacity, first: Int32Array.from(r.first), kept, dropped: rows * k - a.kept, tokensDropped, passed, entropy: a.entropy, aux: a.aux, top1 };
}
