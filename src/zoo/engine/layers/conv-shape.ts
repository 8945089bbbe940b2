/** A stride-1 convolution's shape: x (B, Cin, H, W), W (Cout, Cin, K, K), zero padding P. */
export interface ConvShape {
  readonly B: number;
  readonly Cin: number;
  readonly H: number;
  readonly W: number;
  readonly Cout: number;
  readonly K: number;
  readonly P: number;
}

export const convOut = (s: ConvShape): { Ho: number; Wo: number } => ({ Ho: s.H + 2 * s.P - s.K + 1, Wo: s.W + 2 * s.P - s.K + 1 });
