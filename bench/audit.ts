/**
 * bench/audit: 100,000 synthetic curves of 10 points through fits, shape measures,
 * back-tests and verdicts (the whole of `audit()`); prints curves per second.
 * Target (issue "Foundation and emergence audit"): >= 10,000 curves/s on the 2-core machine.
 * Then ingestion: a generated 1,000,000-row tidy CSV read to observations and to curves (bench/ingest.ts).
 *   node dist/bench/audit.js [--curves N] [--workers W] [--seed S] [--rows R]   (--rows 0 skips ingestion)
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { audit } from '../src/core/analysis/audit.js';
import { makeRng } from '../src/core/random/rng.js';
import { makeCurves, POINTS } from './bench-curves.js';
import { benchIngestion } from './ingest.js';

function run(count: number, seed: number, readSteps = false): { ms: number; verdicts: Record<string, number>; everyStepMs: number } {
  const curves = makeCurves(count, makeRng(seed));
  const t0 = performance.now();
  const r = audit(curves);
  const ms = performance.now() - t0;
  const verdicts: Record<string, number> = {};
  for (const v of r.verdicts) verdicts[v.verdict] = (verdicts[v.verdict] ?? 0) + 1;
  // What --json and the report add: every back-test step's forecast and interval, computed when read
  // (timed on the single thread only, so the workers' figure is the analysis alone).
  if (!readSteps) return { ms, verdicts, everyStepMs: NaN };
  const t1 = performance.now();
  let sink = 0;
  for (const v of r.verdicts) for (const s of v.backtest) sink += s.nextInterval.high + s.largestInterval.low + s.largestPredicted;
  const everyStepMs = performance.now() - t1;
  if (Number.isNaN(sink)) console.error('a forecast interval is NaN');
  return { ms, verdicts, everyStepMs };
}

if (!isMainThread) {
  const { count, seed } = workerData as { count: number; seed: number };
  parentPort!.postMessage(run(count, seed));
} else {
  const { values } = parseArgs({ options: { curves: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' }, rows: { type: 'string' } } });
  const total = Number(values.curves ?? 100_000);
  const seed = Number(values.seed ?? 1);
  const workers = Number(values.workers ?? availableParallelism());
  // Warm up the JIT on a small batch first so the figure is steady-state.
  run(2_000, seed + 999);
  const single = run(Math.min(total, 20_000), seed, true);
  const n1 = Math.min(total, 20_000);
  console.log(`1 thread: ${Math.round((n1 / single.ms) * 1000).toLocaleString('en')} curves/s (${n1.toLocaleString('en')} curves in ${Math.round(single.ms)} ms); reading every back-test step's forecast and interval too (what --json writes): ${Math.round((n1 / (single.ms + single.everyStepMs)) * 1000).toLocaleString('en')} curves/s`);
  const per = Math.ceil(total / workers);
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: workers }, (_, w) =>
      new Promise<{ ms: number; verdicts: Record<string, number>; everyStepMs: number }>((resolve, reject) => {
        const wk = new Worker(new URL(import.meta.url), { workerData: { count: Math.min(per, total - w * per), seed: seed + w } });
        wk.once('message', resolve);
        wk.once('error', reject);
      }),
    ),
  );
  const wall = performance.now() - t0;
  const verdicts: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.verdicts)) verdicts[k] = (verdicts[k] ?? 0) + v;
  console.log(`${workers} worker threads: ${Math.round((total / wall) * 1000).toLocaleString('en')} curves/s (${total.toLocaleString('en')} curves of ${POINTS} points in ${Math.round(wall)} ms wall, including worker start-up and curve generation)`);
  const slowest = Math.max(...results.map((r) => r.ms));
  console.log(`analysis only (slowest worker's audit() time): ${Math.round((total / slowest) * 1000).toLocaleString('en')} curves/s`);
  console.log(`verdicts: ${Object.entries(verdicts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`target: >= 10,000 curves/s`);
  const rows = Number(values.rows ?? 1_000_000);
  if (rows > 0) benchIngestion(rows, seed);
}
