// The bench:audit curves (bench/audit.ts makeCurves, seeds 1 and 2 x 50,000: its two workers) through audit() of a built dist/,
// one line per curve (seed, index, verdict, qualifier), or a per-curve timing with `time`. Compare two builds with
//   node scripts/audit-verdicts.mjs /work/main/dist verdicts > a.tsv; node scripts/audit-verdicts.mjs dist verdicts > b.tsv; cmp a.tsv b.tsv
// `json`: a hash of the whole report's JSON (every back-test step's forecast and interval included) on 3,000 bench
// curves, on the same curves with each on its own models (params scaled per curve), and with binomial errors (n = 500).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const { audit } = await import(dist + '/src/core/analysis/audit.js');
const { makeRng } = await import(new URL('../dist/src/core/random/rng.js', import.meta.url).href);
// The curves (and their rng) come from this checkout's build, so an older build's audit() judges the very same ones.
const { makeCurves } = await import(new URL('../dist/bench/bench-curves.js', import.meta.url).href);
const mode = process.argv[3] ?? 'time';
if (mode === 'verdicts') {
  // the bench's 100,000: workers seeds 1 and 2, 50,000 each
  const lines = [];
  for (const s of [1, 2]) {
    const r = audit(makeCurves(50000, makeRng(s)));
    r.verdicts.forEach((v, i) => lines.push(`${s}\t${i}\t${v.verdict}\t${v.qualifier ?? ''}`));
  }
  process.stdout.write(lines.join('\n') + '\n');
} else if (mode === 'json') {
  const { createHash } = await import('node:crypto');
  const ownModels = (cs, rng) => cs.map((c) => {
    const f = 1 + 0.3 * rng.next();
    return { ...c, points: c.points.map((p) => ({ ...p, params: p.params * f * (1 + 0.01 * rng.next()) })).sort((a, b) => a.params - b.params) };
  });
  const binomial = (cs) => cs.map((c, i) => (i % 2 ? c : { ...c, points: c.points.map((p) => ({ ...p, n: 500 })) }));
  const sets = [
    ['shared models', () => makeCurves(3000, makeRng(3))],
    ['own models', () => ownModels(makeCurves(3000, makeRng(4)), makeRng(9))],
    ['binomial n=500', () => binomial(makeCurves(3000, makeRng(5)))],
  ];
  for (const [name, make] of sets) console.log(`${name}\t${createHash('sha256').update(JSON.stringify(audit(make()))).digest('hex')}`);
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
