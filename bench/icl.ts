/**
 * bench/icl: one training step (forward, backward, AdamW) of the in-context regressor at the issue's
 * 6 layers × 128 (4 heads), d = 20, 41 points (82 tokens), batch 64: ms/step and training tokens/s,
 * beside PyTorch's on the same model in the same run (bench/torch_icl.py, Debian's python3-torch).
 *   node dist/bench/icl.js [--steps N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRng } from '../src/core/random/rng.js';
import { samplePrompt } from '../src/tasks/function-classes.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { IclTransformer, iclTokens } from '../src/zoo/icl-transformer.js';
import { timeTrainingSteps } from './step-timer.js';

const { values } = parseArgs({ options: { steps: { type: 'string' } } });
const steps = Number(values.steps ?? 20);
const gemm = loadGemm((m) => console.log(`note: ${m}`));
const D = 20, P = 41, B = 64;
const m = new IclTransformer({ nLayer: 6, nHead: 4, nEmbd: 128, dims: D, points: P }, gemm);
m.init(makeRng(1));
const rng = makeRng(2);
const prompts = Array.from({ length: B }, () => samplePrompt([{ name: 'dense', cls: { kind: 'dense_linear' }, weight: 1 }], { d: D, points: P }, rng));
const { tokens, targets, T } = iclTokens(prompts, D, P);
const { median: med, min } = timeTrainingSteps(m, () => m.forward(tokens, B, T, targets), steps);
const tokensPerSec = (B * T) / (med / 1000);
console.log(`bench/icl: ${m.numParams.toLocaleString('en')} parameters (6 x 128), batch ${B} x ${T} tokens, ${gemm.kind} GEMM: median ${med.toFixed(0)} ms/step (min ${min.toFixed(0)}), ${Math.round(tokensPerSec).toLocaleString('en')} training tokens/s, over ${steps} steps`);
const torch = spawnSync('/usr/bin/python3', [fileURLToPath(new URL('../../bench/torch_icl.py', import.meta.url)), String(steps)], { encoding: 'utf8' });
if (torch.status === 0) {
  const ms = Number(torch.stdout.trim());
  console.log(`PyTorch (python3-torch, same model and batch): median ${ms.toFixed(0)} ms/step, ${Math.round((B * T) / (ms / 1000)).toLocaleString('en')} training tokens/s; ratio ${(med / ms).toFixed(2)}x its time`);
} else {
  console.log(`PyTorch: not measured (${(torch.stderr || 'python3-torch missing').trim().split('\n').at(-1)}); apt-get install python3-torch to compare in the same run`);
}
