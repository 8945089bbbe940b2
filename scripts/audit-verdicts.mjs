// The bench:audit curves (bench/audit.ts makeCurves, seeds 1 and 2 x 50,000: its two workers) through audit() of a built dist/,
// one line per curve (seed, index, verdict, qualifier), or a per-curve timing with `time`. Compare two builds with
//   node scripts/audit-verdicts.mjs /work/main/dist verdicts > a.tsv; node scripts/audit-verdicts.mjs dist verdicts > b.tsv; cmp a.tsv b.tsv
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const { audit } = await import(dist + '/src/core/analysis/audit.js');
const { curveFromArrays } = await import(dist + '/src/core/curves/synthetic.js');
const { makeRng } = await import(dist + '/src/core/random/rng.js');
const POINTS = 10;
const P = Array.from({ length: POINTS }, (_, i) => 10 ** (7 + (4 * i) / (POINTS - 1)));
function makeCurves(count, rng) {
  const out = [];
  for (let c = 0; c < count; c++) {
    const kind = c % 5;
    const noise = 0.01 + 0.05 * rng.next();
    const mid = 7.5 + 3 * rng.next();
    const vals = P.map((p) => {
      const x = Math.log10(p);
      const base = kind === 0 ? (x < mid ? 0.02 : 0.7) : kind === 1 ? 0.08 * (x - 7) + 0.1 : kind === 2 ? 0.9 / (1 + Math.exp(-2 * (x - mid))) : kind === 3 ? 0.25 : 0.5;
      return base + noise * rng.normal() * (kind === 4 ? 5 : 1);
    });
    out.push(curveFromArrays(P, vals, { metric: 'acc', task: `t${c}` }));
  }
  return out;
}
const mode = process.argv[3] ?? 'time';
if (mode === 'verdicts') {
  // the bench's 100,000: workers seeds 1 and 2, 50,000 each
  const lines = [];
  for (const s of [1, 2]) {
    const r = audit(makeCurves(50000, makeRng(s)));
    r.verdicts.forEach((v, i) => lines.push(`${s}\t${i}\t${v.verdict}\t${v.qualifier ?? ''}`));
  }
  process.stdout.write(lines.join('\n') + '\n');
} else {
  audit(makeCurves(2000, makeRng(999)));
  for (let k = 0; k < 3; k++) {
    const cs = makeCurves(5000, makeRng(1 + k));
    const c0 = process.cpuUsage(); const t0 = performance.now();
    audit(cs);
    const cu = process.cpuUsage(c0);
    console.log(`batch ${k}: ${((performance.now() - t0) * 1000 / 5000).toFixed(0)} us/curve wall, ${((cu.user + cu.system) / 5000).toFixed(0)} us/curve cpu`);
  }
}
