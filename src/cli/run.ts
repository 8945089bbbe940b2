import { EmergenceError } from '../core/errors.js';

import type { CliContext } from './context.js';
import { makeLogger, type Writable } from './logger.js';

const usageText = (experiments: string): string => `emergence <command> [options]

Is this ability emergent, or is it the metric? Would the small models have predicted the big ones?

Commands:
  audit [files…]   verdicts, metric swaps, meta-analysis and back-tests over scaling results
                   (no files: the bundled data)
  forecast M [f…]  forecasts of large models from small ones: 'ladder' (two-step, Bhagia et al.
                   2024) or 'obs-scaling' (Ruan et al. 2024), each checked on held-out models
  score <samples…> per-metric scores with intervals from per-sample outputs (lm-eval sample logs)
  eval --config F  run tasks on a model family through OpenAI-compatible servers, into the store
  export --out F   the store's runs, samples or scores as CSV, JSON or Parquet
  view             browse the store in a web browser (127.0.0.1)
  train --config F train a model or a ladder on n-digit arithmetic on the CPU engine
  serve --models D the trained models over the OpenAI API (127.0.0.1)
  experiment NAME  a named experiment end to end; 'experiment list' lists them:
                   ${experiments}
  sweep --config F families × tasks × seeds × settings as train and eval jobs: here, or on a
                   BullMQ queue (--redis) for workers; 'sweep status', 'sweep collect'
  worker --redis U pull sweep jobs from the queue into this worker's store shard

Run 'emergence <command> --help' for a command's options.`;

/** The top-level help; the experiments' names come from their registry, loaded only when help is shown. */
export async function usage(): Promise<string> {
  const { EXPERIMENTS } = await import('../experiments/registry.js');
  return usageText(EXPERIMENTS.map((e) => e.info.id).join(', '));
}

type Command = (argv: string[], ctx: CliContext) => Promise<number>;
// Each command's module loads only when it runs: `audit` never pays for DuckDB or YAML.
const COMMANDS: Record<string, () => Promise<Command>> = {
  audit: async () => (await import('./audit.js')).runAudit,
  forecast: async () => (await import('./forecast.js')).runForecast,
  score: async () => (await import('./score.js')).runScore,
  eval: async () => (await import('./eval.js')).runEvalCommand,
  export: async () => (await import('./export.js')).runExport,
  view: async () => (await import('./view.js')).runView,
  train: async () => (await import('./train.js')).runTrain,
  serve: async () => (await import('./serve.js')).runServe,
  experiment: async () => (await import('./experiment.js')).runExperiment,
  sweep: async () => (await import('./sweep.js')).runSweep,
  worker: async () => (await import('./worker.js')).runWorker,
};

/**
 * The whole CLI as a function: returns the exit code (0 ok, 1 bug, 2 usage/config/data).
 * Only this layer decides exit codes; main.ts sets process.exitCode from it.
 */
export async function runCli(
  argv: string[],
  io: { stdout: Writable; stderr: Writable; cwd: string; env: Readonly<Record<string, string | undefined>> },
): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    (cmd === undefined ? io.stderr : io.stdout).write((await usage()) + '\n');
    return cmd === undefined ? 2 : 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    io.stderr.write(`emergence: unknown command "${cmd}"\n\n${await usage()}\n`);
    return 2;
  }
  const interval = io.env.EMERGENCE_PROGRESS_INTERVAL;
  const seconds = interval === undefined || interval === '' ? 10 : Number(interval);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    io.stderr.write(`emergence ${cmd}: error: EMERGENCE_PROGRESS_INTERVAL: expected seconds > 0, got ${JSON.stringify(interval)}\n`);
    return 2;
  }
  // Off a TTY (a log file) the progress line comes every `seconds`: 10 by default, shorter for tests.
  const logger = makeLogger(io.stderr, { quiet: rest.includes('--quiet'), plainEveryMs: seconds * 1000 });
  try {
    const command = await load();
    return await command(rest, { ...io, logger });
  } catch (e) {
    logger.done();
    if (e instanceof EmergenceError) {
      io.stderr.write(`emergence ${cmd}: error: ${e.describe()}\n`);
      return 2;
    }
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`emergence ${cmd}: usage: ${(e as Error).message}\nRun 'emergence ${cmd} --help'.\n`);
      return 2;
    }
    io.stderr.write(`emergence ${cmd}: internal error (a bug; please report it): ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
