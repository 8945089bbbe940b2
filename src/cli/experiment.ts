import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { experimentHelp, experimentList, parseExperimentArgs } from '../experiments/options.js';
import { runDocument, runHtml, runText } from '../experiments/present.js';
import { EXPERIMENTS, experimentById } from '../experiments/registry.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import type { CliContext } from './context.js';
import { writeAtomic } from './write-output.js';

export const EXPERIMENT_HELP = `emergence experiment list | <name> [--budget quick|full] [options]

Runs a named experiment end to end: trains its family, produces and stores every sample, audits it.
'emergence experiment <name> --help' lists its parameters, budgets and expected times.

${experimentList(EXPERIMENTS.map((e) => e.info))}`;

export async function runExperiment(argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? ctx.stderr : ctx.stdout).write(EXPERIMENT_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === 'list') {
    ctx.stdout.write(experimentList(EXPERIMENTS.map((e) => e.info)));
    return 0;
  }
  const e = experimentById(name);
  if (!e) throw new ConfigError(`unknown experiment "${name}"`, { code: 'USAGE', hint: "see 'emergence experiment list'" });
  const o = parseExperimentArgs(e.info, rest);
  if (o.help) {
    ctx.stdout.write(experimentHelp(e.info));
    return 0;
  }
  const r = await e.run({
    budget: o.budget, overrides: o.overrides, seed: o.seed, dir: resolve(ctx.cwd, o.dir ?? e.info.id), jobs: o.jobs,
    gemm: loadGemm((m) => ctx.logger.warn(m)), log: (m) => ctx.logger.info(m), progress: (m) => ctx.logger.progress(m),
  });
  ctx.logger.done();
  const doc = runDocument(r).json;
  if (o.out) writeAtomic(resolve(ctx.cwd, o.out), JSON.stringify(doc, null, 1) + '\n');
  if (o.html) writeAtomic(resolve(ctx.cwd, o.html), await runHtml(r));
  ctx.stdout.write(o.json ? JSON.stringify(doc) + '\n' : runText(r));
  return 0;
}
