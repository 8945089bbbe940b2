/**
 * bench/train: one training step (forward, backward, AdamW) of the workload — a 4-layer,
 * d_model 128, 4-head decoder (MLP 512), seq 32, batch 64, vocab 32 (0.8M parameters) — ms/step and
 * tokens/s. PyTorch's on this machine kind (shared/reference/torch_bench.py): 120–125 ms/step.
 * Beside it, the same decoder with a mixture of experts in every other block (Switch: 8 experts,
 * top-1, capacity factor 1.25; and top-2 of 8): ms/step and the share of the step in routing and in
 * dispatch (gathering and scattering tokens), forward and backward.
 *   node dist/bench/train.js [--steps N] [--blas-threads N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRng } from '../src/core/random/rng.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { kernelsKind, useKernels } from '../src/zoo/engine/kernels.js';
import { nativeAddon } from '../src/zoo/engine/native.js';
import { activeParamCount, Gpt } from '../src/zoo/gpt.js';
import { profileMoe, type MoeConfig, type MoeProfile } from '../src/zoo/moe.js';
import { Lenet, lenetShapes } from '../src/zoo/lenet.js';
import { timeTrainingSteps } from './step-timer.js';

const { values } = parseArgs({ options: { steps: { type: 'string' }, 'blas-threads': { type: 'string' } } });
const steps = Number(values.steps ?? 20);
const gemm = loadGemm((m) => console.log(`note: ${m}`));
if (values['blas-threads']) gemm.setThreads(Number(values['blas-threads']));
const m = new Gpt({ vocabSize: 32, blockSize: 32, nLayer: 4, nHead: 4, nEmbd: 128 }, gemm);
m.init(makeRng(1));
const rng = makeRng(2);
const B = 64, T = 32;
const x = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 32));
const y = Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * 32));
// The TypeScript element-wise kernels first, then the native ones (the default), in the same run.
useKernels('typescript');
const tsTime = timeTrainingSteps(m, () => m.forward(x, B, T, y), steps);
if (kernelsKind() === 'typescript' && nativeAddon().addon) useKernels('native');
const { median: med, min } = timeTrainingSteps(m, () => m.forward(x, B, T, y), steps);
// Training FLOPs per step: 6·N per token for the weights (Kaplan et al. 2020) plus attention's
// 3·(2·T·C) per token per layer (QKᵀ and att·V, forward and backward).
const flops = B * T * (6 * m.numParams + 3 * 2 * 2 * T * 128 * 4);
console.log(`bench/train kernels: TypeScript element-wise kernels median ${tsTime.median.toFixed(0)} ms/step; ${kernelsKind()} ${med.toFixed(0)} ms/step (${(tsTime.median / med).toFixed(2)}x faster)`);
console.log(`bench/train: ${m.numParams.toLocaleString('en')} parameters, batch ${B} x seq ${T}, ${gemm.kind} GEMM: median ${med.toFixed(0)} ms/step (min ${min.toFixed(0)}), ${Math.round((B * T) / (med / 1000)).toLocaleString('en')} tokens/s, ${(flops / (med / 1000) / 1e9).toFixed(1)} GFLOPS achieved, over ${steps} steps`);
// The MoE steps, native kernels, on the same batch: the time first, then the breakdown in a second
// timed run (the profile's clock reads are few, but kept out of the headline figure).
for (const moe of [{ experts: 8, topK: 1, capacityFactor: 1.25, alpha: 0.01, every: 2 }, { experts: 8, topK: 2, capacityFactor: 1.25, alpha: 0.01, every: 2 }] satisfies MoeConfig[]) {
  const s = new Gpt({ vocabSize: 32, blockSize: 32, nLayer: 4, nHead: 4, nEmbd: 128, moe }, gemm);
  s.init(makeRng(1));
  const t = timeTrainingSteps(s, () => s.forward(x, B, T, y), steps);
  const prof: MoeProfile = { router: 0, dispatch: 0, experts: 0 };
  profileMoe(prof);
  const warm = 3;
  const t0 = performance.now();
  timeTrainingSteps(s, () => s.forward(x, B, T, y), steps, warm);
  // The profile covers warmup and timed steps alike: shares of that run's whole time.
  const stepMean = (performance.now() - t0) / (steps + warm);
  profileMoe(null);
  const per = (v: number): number => v / (steps + warm);
  const pct = (v: number): string => `${((100 * per(v)) / stepMean).toFixed(1)}%`;
  console.log(
    `bench/train MoE top-${moe.topK} of ${moe.experts} (every other block, capacity ${moe.capacityFactor}): ${s.numParams.toLocaleString('en')} parameters (${activeParamCount(s.config).toLocaleString('en')} active): ` +
      `median ${t.median.toFixed(0)} ms/step (min ${t.min.toFixed(0)}) vs dense ${med.toFixed(0)} (${(t.median / med).toFixed(2)}x); ` +
      `per step routing ${per(prof.router).toFixed(1)} ms (${pct(prof.router)}), dispatch ${per(prof.dispatch).toFixed(1)} ms (${pct(prof.dispatch)}), experts ${per(prof.experts).toFixed(1)} ms (${pct(prof.experts)}) of the profiled run's mean ${stepMean.toFixed(0)} ms/step`,
  );
}
// PyTorch on the same workload in the same run, when Debian's python3-torch is installed.
const torch = spawnSync('/usr/bin/python3', [fileURLToPath(new URL('../../bench/torch_step.py', import.meta.url)), String(steps)], { encoding: 'utf8' });
if (torch.status === 0) {
  const ms = Number(torch.stdout.trim());
  console.log(`PyTorch (python3-torch, torch.set_num_threads(1), OpenBLAS on both cores): median ${ms.toFixed(0)} ms/step; ratio ${(med / ms).toFixed(2)}x (target <= 0.8x)`);
} else {
  console.log('PyTorch: not measured (npm run bench:deps installs python3-torch to compare in the same run; reference on this machine kind: 120-125 ms/step; target <= 0.8x)');
}

// LeNet-5 at batch 64 (the second workload).
{
  const net = new Lenet({ width: 1, classes: 10 }, gemm);
  net.init(makeRng(3));
  const images = Float32Array.from({ length: 64 * 784 }, () => rng.next());
  const labels = Int32Array.from({ length: 64 }, () => Math.floor(rng.next() * 10));
  const { median: lmed, min: lmin } = timeTrainingSteps(net, () => net.forward(images, 64, labels), steps * 5, 5);
  // Multiply-adds per image: each conv weight is used once per output pixel (28x28 with pad 2, then 10x10),
  // each fc weight once; a training step is about three forward passes, two FLOPs per multiply-add.
  const size = (name: string): number => lenetShapes({ width: 1, classes: 10 }).find(([n]) => n === name)![1].reduce((a, b) => a * b, 1);
  const macs = size('conv1.weight') * 28 * 28 + size('conv2.weight') * 10 * 10 + size('fc1.weight') + size('fc2.weight') + size('fc3.weight');
  const lflops = 64 * 6 * macs;
  console.log(`bench/train LeNet-5: ${net.numParams.toLocaleString('en')} parameters, batch 64, ${gemm.kind} GEMM: median ${lmed.toFixed(1)} ms/step (min ${lmin.toFixed(1)}), ${Math.round(64 / (lmed / 1000)).toLocaleString('en')} images/s, ${(lflops / (lmed / 1000) / 1e9).toFixed(1)} GFLOPS achieved`);
  const tl = spawnSync('/usr/bin/python3', [fileURLToPath(new URL('../../bench/torch_step.py', import.meta.url)), String(steps * 5), 'lenet'], { encoding: 'utf8' });
  if (tl.status === 0) {
    const ms = Number(tl.stdout.trim());
    console.log(`PyTorch LeNet-5: median ${ms.toFixed(1)} ms/step; ratio ${(lmed / ms).toFixed(2)}x (target <= 1.0x)`);
  } else console.log('PyTorch LeNet-5: not measured (npm run bench:deps installs python3-torch; reference: 4-6 ms/step; target <= 1.0x)');
}
