/**
 * Ingestion for bench/audit: a tidy CSV of `rows` rows shaped like the bundled Pythia finals
 * (family, model, params, task, metric, shots, value, stderr, n and two label columns), written
 * to a temporary file, then read back (a) into columns (`importTable`: the table `audit` reads a
 * CSV into), and (b) all the way to assembled curves (`loadCurves`). Prints rows per second for
 * both, wall and per CPU-second. Target (#18): >= 1M rows/s.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importTable, loadCurves } from '../src/importers/load.js';
import { makeRng } from '../src/core/random/rng.js';

export function makeCsv(rows: number, seed: number): string {
  const rng = makeRng(seed);
  const sizes = [70e6, 160e6, 410e6, 1.0e9, 1.4e9, 2.8e9, 6.9e9, 12e9];
  const parts = ['family,model,params,task,metric,shots,value,stderr,n,deduped,variant\n'];
  let i = 0;
  for (let t = 0; i < rows; t++) {
    for (const shots of [0, 5]) {
      for (const metric of ['acc', 'acc_norm']) {
        for (const dedup of [false, true]) {
          for (let m = 0; m < sizes.length && i < rows; m++, i++) {
            const v = 0.25 + 0.05 * m + 0.02 * rng.normal();
            parts.push(`Pythia,pythia-${m}${dedup ? '-deduped' : ''},${sizes[m]},task_${t},${metric},${shots},${v.toFixed(6)},${(0.01 + 0.002 * rng.next()).toFixed(6)},1000,${dedup},standard\n`);
          }
        }
      }
    }
  }
  return parts.join('');
}

export function benchIngestion(rows: number, seed: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'emergence-ingest-'));
  try {
    const file = join(dir, 'tidy.csv');
    writeFileSync(file, makeCsv(rows, seed)); // the text is not kept: the reader must not find it in the heap
    const mb = statSync(file).size / 1e6;
    importTable(file); // warm-up: JIT and page cache
    loadCurves([file]);
    // CPU time beside wall time: on a shared machine the wall clock measures the neighbours.
    const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = importTable(file);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const loaded = loadCurves([file]);
    const t2 = performance.now();
    const c2 = process.cpuUsage(c0);
    const rate = (ms: number): string => Math.round((rows / ms) * 1000).toLocaleString('en');
    console.log(`ingestion: ${rows.toLocaleString('en')}-row tidy CSV (${mb.toFixed(0)} MB) to columns: ${rate(t1 - t0)} rows/s wall (${Math.round(t1 - t0)} ms), ${rate(cpuMs(c1))} rows per CPU-second (${r.table.length.toLocaleString('en')} rows)`);
    console.log(`ingestion + assembly to ${loaded.curves.length.toLocaleString('en')} curves (file to curves, read again): ${rate(t2 - t1)} rows/s wall (${Math.round(t2 - t1)} ms), ${rate(cpuMs(c2) - cpuMs(c1))} rows per CPU-second`);
    console.log(`target: >= 1,000,000 rows/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
