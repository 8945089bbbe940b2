/**
 * bench/phases: where a training step's time goes, kernel by kernel. Each GEMM and each element-wise
 * kernel call of the active backend is timed over `--steps` steps of bench/train's transformer
 * (4 layers, d_model 128, batch 64 × 32), of LeNet-5 (batch 64) and of bench/icl's in-context
 * regressor (6 × 128, d = 20, 41 points, batch 64); what no kernel accounts for is
 * TypeScript (embedding, cross-entropy, copies). Prints ms/step and the share of the step, largest first.
 *   node dist/bench/phases.js [--steps N] [--kernels native|typescript]
 */
import { parseArgs } from 'node:util';
import { makeRng } from '../src/core/random/rng.js';
import { ADAMW_DEFAULTS, adamwStep } from '../src/zoo/engine/adamw.js';
import { loadGemm, type Gemm } from '../src/zoo/engine/gemm.js';
import { kernels, kernelsKind, useKernels } from '../src/zoo/engine/kernels.js';
import { Gpt } from '../src/zoo/gpt.js';
import { Lenet } from '../src/zoo/lenet.js';
import { IclTransformer, iclTokens } from '../src/zoo/icl-transformer.js';
import { samplePrompt } from '../src/tasks/function-classes.js';

const { values } = parseArgs({ options: { steps: { type: 'string' }, kernels: { type: 'string' } } });
const steps = Number(values.steps ?? 20);
if (values.kernels === 'native' || values.kernels === 'typescript') useKernels(values.kernels);
const real = loadGemm((m) => console.log(`note: ${m}`));
const spent = new Map<string, number>();
const timed = <F extends (...a: never[]) => unknown>(label: string, f: F): F => ((...a: Parameters<F>) => {
  const t0 = performance.now();
  const r = f(...a);
  spent.set(label, (spent.get(label) ?? 0) + performance.now() - t0);
  return r;
}) as F;
// The models take the GEMM they are given; the kernels are the process's backend, timed in place.
const gemm: Gemm = { ...real, sgemm: timed('sgemm', real.sgemm) };
const k = kernels() as unknown as Record<string, unknown>;
for (const name of Object.keys(k)) if (typeof k[name] === 'function') k[name] = timed(name, (k[name] as (...a: never[]) => unknown).bind(k));

function profile(label: string, m: { params: Float32Array; grads: Float32Array; decay: Uint8Array; numParams: number; zeroGrad(): void; backward(): void }, forward: () => void): void {
  const mo = new Float32Array(m.numParams);
  const vo = new Float32Array(m.numParams);
  let total = 0;
  for (let s = 1; s <= steps + 3; s++) {
    if (s === 4) {
      spent.clear();
      total = 0;
    }
    const t0 = performance.now();
    m.zeroGrad();
    forward();
    m.backward();
    adamwStep(m.params, m.grads, mo, vo, m.decay, s, ADAMW_DEFAULTS);
    total += performance.now() - t0;
  }
  const per = total / steps;
  console.log(`bench/phases ${label} (${kernelsKind()} kernels, ${real.kind} GEMM): ${per.toFixed(1)} ms/step over ${steps} steps`);
  let named = 0;
  for (const [name, ms] of [...spent].sort((a, b) => b[1] - a[1])) {
    named += ms / steps;
    console.log(`  ${name.padEnd(18)} ${(ms / steps).toFixed(2).padStart(7)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
  }
  console.log(`  ${'(TypeScript)'.padEnd(18)} ${(per - named).toFixed(2).padStart(7)} ms  ${((100 * (per - named)) / per).toFixed(1).padStart(5)}%`);
}

const rng = makeRng(2);
const gpt = new Gpt({ vocabSize: 32, blockSize: 32, nLayer: 4, nHead: 4, nEmbd: 128 }, gemm);
gpt.init(makeRng(1));
const [B, T] = [64, 32];
const x = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 32));
const y = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 32));
profile('transformer 4 x 128', gpt, () => gpt.forward(x, B, T, y));
const lenet = new Lenet({ width: 1, classes: 10 }, gemm);
lenet.init(makeRng(3));
const images = Float32Array.from({ length: 64 * 784 }, () => rng.normal());
const labels = Int32Array.from({ length: 64 }, () => Math.floor(rng.next() * 10));
profile('LeNet-5', lenet, () => lenet.forward(images, 64, labels));
const icl = new IclTransformer({ nLayer: 6, nHead: 4, nEmbd: 128, dims: 20, points: 41 }, gemm);
icl.init(makeRng(4));
const prompts = Array.from({ length: 64 }, () => samplePrompt([{ name: 'dense', cls: { kind: 'dense_linear' }, weight: 1 }], { d: 20, points: 41 }, rng));
const it = iclTokens(prompts, 20, 41);
profile('in-context regressor 6 x 128', icl, () => icl.forward(it.tokens, 64, it.T, it.targets));
