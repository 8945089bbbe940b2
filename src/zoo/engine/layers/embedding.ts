/**
 * Token plus position embedding (GPT-2's encoder): out[b,t] = wte[token[b,t]] + wpe[shift[b] + t].
 * Shapes: tokens (B, T); wte (V, C); wpe (maxT, C); out (B, T, C). `shift` (B), when given, starts
 * row b at position shift[b] instead of 0: training at random shifts trains every position of the
 * table on short sequences (randomized positions, Ruoss et al. 2023), so a longer test sequence
 * meets no untrained embedding.
 */
export function embedForward(out: Float32Array, tokens: Int32Array, wte: Float32Array, wpe: Float32Array, B: number, T: number, C: number, V: number, shift: Int32Array | null = null): void {
  const maxT = wpe.length / C;
  for (let b = 0; b < B; b++) {
    const s = shift === null ? 0 : shift[b]!;
    if (!(s >= 0 && s + T <= maxT)) throw new RangeError(`row ${b} at position shift ${s} needs ${s + T} positions; the table has ${maxT}`);
    for (let t = 0; t < T; t++) {
      const tok = tokens[b * T + t]!;
      if (!(tok >= 0 && tok < V)) throw new RangeError(`token ${tok} at (${b}, ${t}) outside the vocabulary of ${V}`);
      const o = (b * T + t) * C;
      const pos = (s + t) * C;
      for (let c = 0; c < C; c++) out[o + c] = wte[tok * C + c]! + wpe[pos + c]!;
    }
  }
}

/** Accumulates dwte and dwpe. */
export function embedBackward(dwte: Float32Array, dwpe: Float32Array, dout: Float32Array, tokens: Int32Array, B: number, T: number, C: number, shift: Int32Array | null = null): void {
  for (let b = 0; b < B; b++) {
    const s = shift === null ? 0 : shift[b]!;
    for (let t = 0; t < T; t++) {
      const tok = tokens[b * T + t]!;
      const o = (b * T + t) * C;
      const pos = (s + t) * C;
      for (let c = 0; c < C; c++) {
        const d = dout[o + c]!;
        dwte[tok * C + c] = dwte[tok * C + c]! + d;
        dwpe[pos + c] = dwpe[pos + c]! + d;
      }
    }
  }
}
