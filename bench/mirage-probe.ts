/**
 * bench/mirage-probe: trains a ladder of arithmetic transformers in this process (no server, no
 * store) and prints, per size, greedy exact match, per-token accuracy overall and by answer
 * position, and the seconds it took: the probe used to choose mirage-arithmetic's task, ladder and
 * training budget (docs/experiments/mirage-arithmetic.md, "Choosing the family").
 *   node dist/bench/mirage-probe.js --op mul --digits 2 --sizes xxs,s,m --steps 2000 [--steps-exp 0.5]
 * --widths 8,16,32 --layers 1 replaces --sizes by a ladder of one depth whose width alone varies.
 * --reverse writes the answer least significant digit first (positions then read least significant first).
 * --lr-exp e --lr-width W: members wider than W train at lr·(W/width)^e (the experiment's memberLr).
 * --steps-exp e scales each member's steps as steps·(params/params of the smallest)^e (e = 0: the same steps).
 */
import { parseArgs } from 'node:util';
import { deriveSeed } from '../src/core/random/derive-seed.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { ArithmeticTrainer, type ArithTrainConfig } from '../src/zoo/train-arith.js';
import { answerText, answerWidth, type Operation } from '../src/tasks/arithmetic.js';
import { memberLr, MIRAGE_SIZES } from '../src/experiments/mirage-arithmetic.js';

const { values } = parseArgs({
  options: {
    op: { type: 'string', default: 'add' }, digits: { type: 'string', default: '3' }, sizes: { type: 'string', default: Object.keys(MIRAGE_SIZES).join(',') },
    steps: { type: 'string', default: '700' }, 'steps-exp': { type: 'string', default: '0' }, 'max-steps': { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '64' }, lr: { type: 'string', default: '3e-3' }, 'lr-exp': { type: 'string', default: '0' }, 'lr-width': { type: 'string' },
    seed: { type: 'string', default: '1' }, warmup: { type: 'string', default: '50' }, reverse: { type: 'boolean', default: false }, widths: { type: 'string' }, layers: { type: 'string', default: '1' }, eval: { type: 'string', default: '500' }, 'weight-decay': { type: 'string', default: '0.1' },
  },
});
const op = values.op as Operation;
const digits = Number(values.digits);
const names = values.sizes.split(',');
const gemm = loadGemm((m) => console.error(`note: ${m}`));
gemm.setThreads(1);
const seed = Number(values.seed);
const w = answerWidth(digits, op);
// --widths: a ladder of one depth (--layers), so that size varies by width alone; heads of 8 to 16 dimensions.
const built = values.widths
  ? values.widths.split(',').map((text) => {
    const nEmbd = Number(text);
    if (!Number.isInteger(nEmbd) || nEmbd < 4) throw new Error(`--widths: ${text} is not a width >= 4`);
    const nHead = nEmbd <= 8 ? 1 : nEmbd <= 32 ? 2 : 4;
    return { name: `L${values.layers}w${nEmbd}`, spec: { nLayer: Number(values.layers), nHead, nEmbd } };
  })
  : names.map((name) => {
    const spec = MIRAGE_SIZES[name];
    if (!spec) throw new Error(`--sizes: unknown size ${name}`);
    return { name, spec };
  });
// Parameter counts first, so the steps can scale with them.
const counts = built.map(({ spec }) => new ArithmeticTrainer(cfgFor(spec, 1, Number(values.lr)), gemm).model.numParams);
function cfgFor(model: ArithTrainConfig['model'], steps: number, lr: number): ArithTrainConfig {
  return { digits, operation: op, model, steps, batch: Number(values.batch), lr, warmup: Number(values.warmup), weightDecay: Number(values['weight-decay']), seed: deriveSeed(seed, 'train'), evalEvery: 0, evalSize: Number(values.eval), ...(values.reverse ? { reverseAnswer: true } : {}) };
}
console.log(`probe ${op}${digits} batch ${values.batch} lr ${values.lr} (x width^-${values['lr-exp']}) steps ${values.steps} x (N/N0)^${values['steps-exp']} seed ${seed}`);
console.log(`size      params   steps      s  exact (train)        per-token  by position (${values.reverse ? 'least' : 'most'} significant first, as written)`);
built.forEach(({ name, spec }, i) => {
  const steps = Math.min(Number(values['max-steps']), Math.round(Number(values.steps) * (counts[i]! / counts[0]!) ** Number(values['steps-exp'])));
  // The experiment's rule: the rate falls as (W/C)^e above width W (--lr-width; the smallest member's width if not given).
  const lr = memberLr(Number(values.lr), spec.nEmbd, Number(values['lr-exp']), Number(values['lr-width'] ?? built[0]!.spec.nEmbd));
  const t = new ArithmeticTrainer(cfgFor(spec, steps, lr), gemm);
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) t.trainStep();
  const secs = (performance.now() - t0) / 1000;
  const got = t.answer(t.test.map((p) => p.prompt));
  const pos = new Array<number>(w).fill(0);
  let exact = 0;
  got.forEach((g, k) => {
    const want = answerText(t.test[k]!.answer, digits, op, values.reverse);
    if (g.slice(0, w) === want) exact++;
    for (let j = 0; j < w; j++) if (g[j] === want[j]) pos[j]!++;
  });
  const n = got.length;
  const perTok = pos.reduce((a, b) => a + b, 0) / (n * w);
  // Exact match on trained-on problems too: memorised but not generalised shows as train >> test.
  const seen = t['train'].slice(0, n);
  const gotSeen = t.answer(seen.map((p) => p.prompt));
  const trainExact = gotSeen.filter((g, k) => g.slice(0, w) === answerText(seen[k]!.answer, digits, op, values.reverse)).length / seen.length;
  console.log(`${name.padEnd(6)} ${String(counts[i]).padStart(9)} ${String(steps).padStart(7)} ${secs.toFixed(0).padStart(6)}  ${(exact / n).toFixed(3)} (train ${trainExact.toFixed(3)})  ${perTok.toFixed(3).padStart(9)}  ${pos.map((c) => (c / n).toFixed(2)).join(' ')}`);
});
