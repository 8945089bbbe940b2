import { expect } from 'vitest';

/**
 * A model's loss and gradients against a PyTorch fixture (test/fixtures/make_torch_*_golden.py):
 * the loss to 1e-5 relative, every parameter's gradient to 1e-4 relative to that tensor's largest
 * (element-wise relative error is meaningless for gradients near zero). Prints the worst figures.
 */
interface Model {
  zeroGrad(): void;
  backward(): void;
  g(name: string): Float32Array;
}

export function expectLikeTorch(what: string, loss: number, meta: Record<string, unknown>, shapes: [string, number[]][], m: Model, extra: Record<string, Float32Array>): void {
  const lossErr = Math.abs(loss - (meta.loss64 as number)) / Math.abs(meta.loss64 as number);
  expect(lossErr, `${what} loss ${loss} vs ${meta.loss64 as number}`).toBeLessThan(1e-5);
  let worst = 0;
  for (const [name] of shapes) {
    const ours = m.g(name);
    const ref = extra[`grad.${name}`]!;
    let maxRef = 0;
    let maxDiff = 0;
    for (let i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      maxDiff = Math.max(maxDiff, Math.abs(ours[i]! - ref[i]!));
    }
    const err = maxRef === 0 ? maxDiff : maxDiff / maxRef;
    worst = Math.max(worst, err);
    expect(err, `${what} ${name}: max |diff| ${maxDiff} vs max |grad| ${maxRef}`).toBeLessThan(1e-4);
  }
  console.log(`${what} vs PyTorch ${meta.torch as string}: loss rel err ${lossErr.toExponential(1)}, worst gradient tensor ${worst.toExponential(1)}`);
}
