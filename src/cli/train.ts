import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import { ArithmeticTrainer, type ArithTrainConfig } from '../zoo/train-arith.js';
import { loadCheckpoint } from '../zoo/checkpoint.js';
import { NAMED_SIZES } from '../zoo/gpt.js';
import type { MoeConfig } from '../zoo/moe.js';
import { TRAINERS } from '../zoo/trainer.js';
import { etaFromRate } from '../core/progress/progress.js';
import type { CliContext } from './context.js';
import { catchInterrupt, exitCodeFor } from './interrupt.js';

export const TRAIN_HELP = `emergence train --config train.yaml [--resume]

Trains one model or a ladder of sizes on n-digit arithmetic with the lab's CPU engine (OpenBLAS
GEMMs), reporting steps done, steps/s, loss, tokens/s and ETA on stderr (a bar on a terminal, a
line every 10 s in a log file; EMERGENCE_PROGRESS_INTERVAL=seconds changes it; --quiet: none) and
held-out exact match and per-digit accuracy every eval_every steps. Checkpoints (safetensors, with optimiser state and the loss curve)
go to out/<name>.safetensors; --resume continues each model from its last checkpoint. Ctrl-C saves
one at the step reached and exits 130.

Example train.yaml:
task: { digits: 3, operation: add }      # add | sub | mul
out: models/add3                         # relative to this file
steps: 4000
batch: 64
lr: 0.001
warmup: 100
weight_decay: 0.1
seed: 1
eval_every: 500
eval_size: 2000
checkpoint_every: 500
models:                                  # a named size (xxs, xs, s, m, l, xl) or layers/heads/embd
  - { name: small, size: xs }
  - { name: big, layers: 4, heads: 4, embd: 128 }
  - { name: llama-ish, size: m, norm: rmsnorm, mlp_ratio: 2.5 }   # optional: norm (layernorm | rmsnorm), mlp_ratio (4)
  - { name: switch, size: m, moe: { experts: 8, top_k: 1, capacity_factor: 1.25, alpha: 0.01, every: 2 } }
      # a sparse mixture of experts in every 'every'-th block: top_k (1, Switch; 2, GShard) of 'experts'
      # MLPs, capacity_factor (1.25), load-balancing weight alpha (0.01), every (2: every other block)`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface TrainPlan {
  readonly out: string;
  readonly checkpointEvery: number;
  readonly runs: { name: string; cfg: ArithTrainConfig }[];
}

export function parseTrainConfig(text: string, file: string): TrainPlan {
  const fail = (field: string, m: string, hint?: string): ConfigError => new ConfigError(m, { code: 'CONFIG_FIELD', file, field, ...(hint ? { hint } : {}) });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ConfigError((e as Error).message.split('\n')[0]!, { code: 'CONFIG_SYNTAX', file });
  }
  if (!isObj(doc)) throw fail('(root)', 'expected a mapping');
  const only = (o: Obj, at: string, allowed: string[]): void => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) throw fail(at ? `${at}.${k}` : k, 'unknown field', `known: ${allowed.join(', ')}`);
  };
  only(doc, '', ['task', 'out', 'steps', 'batch', 'lr', 'warmup', 'weight_decay', 'seed', 'eval_every', 'eval_size', 'checkpoint_every', 'models']);
  const num = (o: Obj, k: string, at: string, dflt: number | undefined, ok: (n: number) => boolean, what: string): number => {
    const v = o[k];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v !== 'number' || !ok(v)) throw fail(`${at}${k}`, `expected ${what}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`);
    return v;
  };
  const int = (n: number): boolean => Number.isInteger(n);
  const parseMoe = (v: unknown, at: string): MoeConfig => {
    if (!isObj(v)) throw fail(at, 'expected { experts, top_k, capacity_factor, alpha, every }');
    only(v, at, ['experts', 'top_k', 'capacity_factor', 'alpha', 'every']);
    const experts = num(v, 'experts', `${at}.`, undefined, (n) => int(n) && n >= 2 && n <= 256, 'a whole number 2..256');
    return {
      experts,
      topK: num(v, 'top_k', `${at}.`, 1, (n) => int(n) && n >= 1 && n <= experts, `a whole number 1..experts (${experts})`),
      capacityFactor: num(v, 'capacity_factor', `${at}.`, 1.25, (n) => n > 0 && n <= 64, 'a number in (0, 64]'),
      alpha: num(v, 'alpha', `${at}.`, 0.01, (n) => n >= 0 && n <= 10, 'a number in [0, 10]'),
      every: num(v, 'every', `${at}.`, 2, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    };
  };
  const task = doc.task;
  if (!isObj(task)) throw fail('task', 'expected { digits, operation }');
  only(task, 'task', ['digits', 'operation']);
  const op = task.operation ?? 'add';
  if (op !== 'add' && op !== 'sub' && op !== 'mul') throw fail('task.operation', `expected add, sub or mul, got ${JSON.stringify(op)}`);
  const digits = num(task, 'digits', 'task.', undefined, (n) => int(n) && n >= 1 && n <= 5, 'a whole number 1..5');
  if (typeof doc.out !== 'string' || doc.out === '') throw fail('out', 'expected a folder for the checkpoints');
  if (!Array.isArray(doc.models) || doc.models.length === 0) throw fail('models', 'expected a non-empty list of { name, layers, heads, embd }');
  const base = {
    digits, operation: op as 'add' | 'sub' | 'mul',
    steps: num(doc, 'steps', '', 2000, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    batch: num(doc, 'batch', '', 64, (n) => int(n) && n >= 1, 'a whole number >= 1'),
    lr: num(doc, 'lr', '', 1e-3, (n) => n > 0, 'a number > 0'),
    warmup: num(doc, 'warmup', '', 100, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    weightDecay: num(doc, 'weight_decay', '', 0.1, (n) => n >= 0, 'a number >= 0'),
    seed: num(doc, 'seed', '', 0, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    evalEvery: num(doc, 'eval_every', '', 500, (n) => int(n) && n >= 0, 'a whole number >= 0'),
    evalSize: num(doc, 'eval_size', '', 2000, (n) => int(n) && n >= 1, 'a whole number >= 1'),
  };
  const names = new Set<string>();
  const runs = doc.models.map((m, i) => {
    const at = `models[${i}]`;
    if (!isObj(m)) throw fail(at, 'expected { name, layers, heads, embd }');
    only(m, at, ['name', 'size', 'layers', 'heads', 'embd', 'mlp_ratio', 'norm', 'moe']);
    if (m.norm !== undefined && m.norm !== 'layernorm' && m.norm !== 'rmsnorm') throw fail(`${at}.norm`, `expected layernorm or rmsnorm, got ${JSON.stringify(m.norm)}`);
    const shape = {
      ...(m.mlp_ratio !== undefined ? { mlpRatio: num(m, 'mlp_ratio', `${at}.`, undefined, (n) => n > 0 && n <= 64, 'a number in (0, 64]') } : {}),
      ...(m.norm !== undefined ? { norm: m.norm as 'layernorm' | 'rmsnorm' } : {}),
      ...(m.moe !== undefined ? { moe: parseMoe(m.moe, `${at}.moe`) } : {}),
    };
    if (typeof m.name !== 'string' || !/^[\w.-]+$/.test(m.name)) throw fail(`${at}.name`, 'expected a name of letters, digits, . _ -');
    if (names.has(m.name)) throw fail(`${at}.name`, `model "${m.name}" appears twice`);
    names.add(m.name);
    if (m.size !== undefined) {
      const named = typeof m.size === 'string' ? NAMED_SIZES[m.size] : undefined;
      if (!named) throw fail(`${at}.size`, `unknown size ${JSON.stringify(m.size)}`, `one of ${Object.keys(NAMED_SIZES).join(', ')}`);
      if (m.layers !== undefined || m.heads !== undefined || m.embd !== undefined) throw fail(`${at}.size`, 'give a size or layers/heads/embd, not both');
      if (shape.moe && shape.moe.every > named.nLayer) throw fail(`${at}.moe.every`, `expected at most the ${named.nLayer} layers of size ${m.size}, got ${shape.moe.every}`);
      return { name: m.name, cfg: { ...base, model: { ...named, ...shape } } };
    }
    const layers = num(m, 'layers', `${at}.`, undefined, (n) => int(n) && n >= 1, 'a whole number >= 1');
    const heads = num(m, 'heads', `${at}.`, undefined, (n) => int(n) && n >= 1, 'a whole number >= 1');
    const embd = num(m, 'embd', `${at}.`, undefined, (n) => int(n) && n >= 1 && n % heads === 0, `a whole number divisible by heads (${heads})`);
    if (shape.moe && shape.moe.every > layers) throw fail(`${at}.moe.every`, `expected at most the ${layers} layers, got ${shape.moe.every}`);
    return { name: m.name, cfg: { ...base, model: { nLayer: layers, nHead: heads, nEmbd: embd, ...shape } } };
  });
  return { out: resolve(dirname(file), doc.out), checkpointEvery: num(doc, 'checkpoint_every', '', 500, (n) => int(n) && n >= 1, 'a whole number >= 1'), runs };
}

export async function runTrain(argv: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, resume: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    ctx.stdout.write(TRAIN_HELP + '\n');
    return 0;
  }
  if (!values.config) throw new ConfigError('--config is required', { code: 'USAGE', field: '--config', hint: "see 'emergence train --help'" });
  const file = resolve(ctx.cwd, values.config);
  if (!existsSync(file)) throw new ConfigError('no such config file', { code: 'CONFIG_READ', file: values.config });
  const plan = parseTrainConfig(readFileSync(file, 'utf8'), values.config);
  mkdirSync(plan.out, { recursive: true });
  const gemm = loadGemm((m) => ctx.logger.warn(m));
  const log = ctx.logger;
  const results: { name: string; params: number; step: number; exact: number; perDigit: number; seconds: number }[] = [];
  // Ctrl-C saves the model being trained at the step it reached (weights and optimiser state), so
  // --resume continues from there instead of from the last checkpoint_every.
  const interrupt = catchInterrupt();
  // Progress is in steps over the whole ladder; the ETA weighs each model's steps by their cost (a big
  // model's step is slower), from the work done so far in this process (resumed steps are not counted).
  const costs = plan.runs.map((r) => TRAINERS.arith.costPerStep({ cfg: r.cfg }));
  const at = plan.runs.map(() => 0);
  const from = plan.runs.map(() => 0);
  const tStart = performance.now();
  const sum = (f: (i: number) => number): number => plan.runs.reduce((s, _r, i) => s + f(i), 0);
  const totalSteps = sum((i) => plan.runs[i]!.cfg.steps);
  try {
    for (const [index, run] of plan.runs.entries()) {
      const ckpt = join(plan.out, `${run.name}.safetensors`);
      let trainer: ArithmeticTrainer;
      let history: { step: number; loss: number; exact?: number; perDigit?: number }[] = [];
      if (existsSync(ckpt)) {
        if (!values.resume) throw new ConfigError(`a checkpoint of ${run.name} already exists`, { code: 'RUN_EXISTS', file: ckpt, hint: 'pass --resume to continue it, or change out' });
        const c = loadCheckpoint(ckpt);
        trainer = new ArithmeticTrainer(run.cfg, gemm, c.params);
        const m = c.extra['adamw.m'];
        const v = c.extra['adamw.v'];
        if (!m || !v) throw new ConfigError('checkpoint has no optimiser state', { code: 'CHECKPOINT_CORRUPT', file: ckpt });
        trainer.restore(c.meta.step, m, v);
        history = (c.meta.history as typeof history | undefined) ?? [];
        log.info(`${run.name}: resuming at step ${c.meta.step}`);
      } else trainer = new ArithmeticTrainer(run.cfg, gemm);
      const save = (): void => trainer.save(ckpt, { history });
      const t0 = performance.now();
      const startStep = trainer.step;
      at[index] = from[index] = startStep;
      // The phase's clock starts now, not at the first step (which would time one step by the ms).
      log.progress({ phase: 'training', unit: 'steps', done: sum((i) => at[i]!), total: totalSteps, skipped: sum((i) => from[i]!), detail: `${run.name} starting at step ${startStep}` });
      let avg = NaN;
      let yielded = performance.now();
      while (trainer.step < run.cfg.steps) {
        // A step is synchronous: give the event loop a turn now and then, or no signal handler could run.
        if (performance.now() - yielded > 100) {
          await new Promise((r) => setImmediate(r));
          yielded = performance.now();
        }
        const sig = interrupt.received();
        if (sig !== null) {
          save();
          log.done();
          ctx.stderr.write(`emergence train: interrupted (${sig}) at step ${trainer.step}/${run.cfg.steps} of ${run.name}: checkpoint saved to ${ckpt}; to continue: emergence train --config ${values.config} --resume\n`);
          return exitCodeFor(sig);
        }
        const loss = trainer.trainStep();
        avg = Number.isNaN(avg) ? loss : 0.95 * avg + 0.05 * loss;
        const done = trainer.step - startStep;
        const secs = (performance.now() - t0) / 1000;
        const tps = (done * run.cfg.batch * (trainer.seqLen - 1)) / secs;
        at[index] = trainer.step;
        const eta = etaFromRate(sum((i) => costs[i]! * (at[i]! - from[i]!)), sum((i) => costs[i]! * (plan.runs[i]!.cfg.steps - at[i]!)), (performance.now() - tStart) / 1000);
        const which = plan.runs.length > 1 ? ` (model ${index + 1}/${plan.runs.length})` : '';
        log.progress({
          phase: 'training', unit: 'steps', done: sum((i) => at[i]!), total: totalSteps, skipped: sum((i) => from[i]!), etaSeconds: eta,
          detail: `${run.name}${which} step ${trainer.step}/${run.cfg.steps}, loss ${avg.toFixed(4)}, ${Math.round(tps).toLocaleString('en')} tokens/s`,
        });
        const entry: (typeof history)[number] = { step: trainer.step, loss };
        if (run.cfg.evalEvery > 0 && (trainer.step % run.cfg.evalEvery === 0 || trainer.step === run.cfg.steps)) {
          const e = trainer.evaluate();
          Object.assign(entry, { exact: e.exact, perDigit: e.perDigit });
          log.done();
          log.info(`${run.name}: step ${trainer.step} loss ${avg.toFixed(4)} held-out exact match ${(100 * e.exact).toFixed(1)}%, per-digit ${(100 * e.perDigit).toFixed(1)}% (${secs.toFixed(0)} s)`);
        }
        history.push(entry);
        if (trainer.step % plan.checkpointEvery === 0 || trainer.step === run.cfg.steps) save();
      }
      log.done();
      const e = trainer.evaluate();
      results.push({ name: run.name, params: trainer.model.numParams, step: trainer.step, exact: e.exact, perDigit: e.perDigit, seconds: (performance.now() - t0) / 1000 });
    }
  } finally {
    interrupt.dispose();
  }
  ctx.stdout.write(['model\tparams\tsteps\theld-out exact match\tper-digit accuracy\tseconds', ...results.map((r) => `${r.name}\t${r.params}\t${r.step}\t${(100 * r.exact).toFixed(1)}%\t${(100 * r.perDigit).toFixed(1)}%\t${r.seconds.toFixed(0)}`)].join('\n') + '\n');
  return 0;
}
