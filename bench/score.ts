/**
 * bench/score: 1,000,000 samples through exact match, token edit distance, BLEU and ROUGE-L, and
 * the first 100,000 (--slow-samples) through chrF++, TER and ROUGE-Lsum (two lines per sentence);
 * prints samples/s per metric on one core, and in the same run the Python reference's samples/s
 * where Debian packages one (python3-levenshtein for edit distance, python3-nltk for BLEU; plain
 * Python for exact match; Debian packages neither sacreBLEU nor rouge-score), with the ratio.
 * Target: >= 1x the reference, per core.
 *   node dist/bench/score.js [--samples N] [--slow-samples N] [--python-samples N] [--seed S]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeRng } from '../src/core/random/rng.js';
import { exactMatch } from '../src/core/metrics/exact-match.js';
import { levenshtein } from '../src/core/metrics/edit-distance.js';
import { sentenceBleu } from '../src/core/metrics/bleu.js';
import { rouge } from '../src/core/metrics/rouge.js';
import { sentenceChrf } from '../src/core/metrics/chrf.js';
import { sentenceTer } from '../src/core/metrics/ter.js';
import { tokenizerById } from '../src/tokenizers/index.js';

const { values } = parseArgs({ options: { samples: { type: 'string' }, 'slow-samples': { type: 'string' }, 'python-samples': { type: 'string' }, seed: { type: 'string' } } });
const N = Number(values.samples ?? 1_000_000);
const NPY = Number(values['python-samples'] ?? 100_000);
const NSLOW = Math.min(N, Number(values['slow-samples'] ?? 100_000));
const rng = makeRng(Number(values.seed ?? 1));

// Half arithmetic answers (the mirage task), half 8–24-word sentences with a few edits.
const WORDS = 'the model scale grows and its answers become more accurate on arithmetic tasks with many digits while smaller ones fail'.split(' ');
function sentence(n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(rng.next() * WORDS.length)]!).join(' ');
}
function edit(s: string): string {
  const w = s.split(' ');
  const k = 1 + Math.floor(rng.next() * 3);
  for (let i = 0; i < k; i++) w[Math.floor(rng.next() * w.length)] = WORDS[Math.floor(rng.next() * WORDS.length)]!;
  return w.join(' ');
}
const preds: string[] = new Array(N);
const refs: string[] = new Array(N);
for (let i = 0; i < N; i++) {
  if (i % 2 === 0) {
    const a = Math.floor(rng.next() * 1e6);
    const b = Math.floor(rng.next() * 1e6);
    refs[i] = String(a + b);
    preds[i] = rng.next() < 0.3 ? refs[i]! : String(a + b + Math.floor(rng.next() * 1000) - 500);
  } else {
    refs[i] = sentence(8 + Math.floor(rng.next() * 16));
    preds[i] = edit(refs[i]!);
  }
}
const tokenizer = await tokenizerById('r50k_base');
const predIds = preds.map((p) => tokenizer.encode(p));
const refIds = refs.map((r) => tokenizer.encode(r));

// ROUGE-Lsum scores newline-separated sentences: break each sentence after its sixth word.
const lines = (s: string): string => s.split(' ').map((w, k) => (k === 6 ? `\n${w}` : w)).join(' ');

function time(label: string, f: (i: number) => number, n = N): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) f(i); // warm up
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink += f(i);
  const s = (performance.now() - t0) / 1000;
  if (Number.isNaN(sink)) throw new Error('NaN');
  const rate = n / s;
  process.stderr.write(`  ${label}: ${Math.round(rate).toLocaleString('en')} samples/s\n`);
  return rate;
}

console.log(`bench/score: ${N.toLocaleString('en')} samples (half arithmetic answers, half 8–24-word sentences), one core`);
const row = new Int32Array(4096);
const ts = {
  exact_match: time('exact_match', (i) => exactMatch(preds[i]!, [refs[i]!])),
  token_edit_distance: time('token_edit_distance (pre-tokenized r50k ids)', (i) => levenshtein(predIds[i]!, refIds[i]!, row)),
  token_edit_distance_e2e: time('token_edit_distance (including BPE encoding)', (i) => levenshtein(tokenizer.encode(preds[i]!), tokenizer.encode(refs[i]!), row)),
  bleu: time('bleu (sacreBLEU sentence BLEU)', (i) => sentenceBleu(preds[i]!, [refs[i]!])),
  rougeL: time('rougeL', (i) => rouge('rougeL', preds[i]!, [refs[i]!])),
  chrfPlusPlus: time('chrf_plus_plus (sacreBLEU chrF++)', (i) => sentenceChrf(preds[i]!, [refs[i]!], { wordOrder: 2 }), NSLOW),
  ter: time('ter (sacreBLEU TER)', (i) => sentenceTer(preds[i]!, [refs[i]!]), NSLOW),
  rougeLsum: time('rougeLsum (two lines per sentence)', (i) => rouge('rougeLsum', lines(preds[i]!), [lines(refs[i]!)]), NSLOW),
};

// The Python references, on the first NPY samples of the same data.
const dir = mkdtempSync(join(tmpdir(), 'bench-score-'));
const data = join(dir, 'data.json');
writeFileSync(data, JSON.stringify({ preds: preds.slice(0, NPY), refs: refs.slice(0, NPY), predIds: predIds.slice(0, NPY).map((a) => Array.from(a)), refIds: refIds.slice(0, NPY).map((a) => Array.from(a)) }));
const py = `
import json, sys, time
d = json.load(open(sys.argv[1]))
P, R, PI, RI = d["preds"], d["refs"], d["predIds"], d["refIds"]
n = len(P)
out = {}
def rate(f):
    t = time.perf_counter(); f(); return n / (time.perf_counter() - t)
out["exact_match"] = rate(lambda: [1.0 if p == r else 0.0 for p, r in zip(P, R)])
try:
    import Levenshtein
    # python-Levenshtein works on strings: token ids become code points, the C distance runs on them.
    PS = ["".join(chr(0x4e00 + t) for t in a) for a in PI]; RS = ["".join(chr(0x4e00 + t) for t in a) for a in RI]
    out["token_edit_distance"] = rate(lambda: [Levenshtein.distance(a, b) for a, b in zip(PS, RS)])
    out["token_edit_distance_impl"] = ("python-Levenshtein " + getattr(Levenshtein, "__version__", "")).strip()
except ImportError:
    pass
try:
    import nltk
    from nltk.translate.bleu_score import sentence_bleu, SmoothingFunction
    sm = SmoothingFunction().method3
    out["bleu"] = rate(lambda: [sentence_bleu([r.split()], p.split(), smoothing_function=sm) for p, r in zip(P, R)])
    out["bleu_impl"] = "nltk " + nltk.__version__ + " sentence_bleu"
except ImportError:
    pass
print(json.dumps(out))
`;
const r = spawnSync('/usr/bin/python3', ['-c', py, data], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
const ref = r.status === 0 ? (JSON.parse(r.stdout) as Record<string, number | string>) : null;
const fmt = (v: number): string => Math.round(v).toLocaleString('en');
console.log(`\n| metric | this project (samples/s) | Python reference (samples/s) | ratio |`);
console.log(`| --- | ---: | ---: | ---: |`);
const line = (name: string, ours: number, key: string, impl: string): void => {
  const theirs = ref?.[key];
  if (typeof theirs === 'number') console.log(`| ${name} | ${fmt(ours)} | ${fmt(theirs)} (${impl}) | ${(ours / theirs).toFixed(1)}x |`);
  else console.log(`| ${name} | ${fmt(ours)} | (no Debian reference${ref === null ? ': /usr/bin/python3 unavailable' : ''}) | - |`);
};
line('exact_match', ts.exact_match, 'exact_match', 'plain Python ==');
line('token_edit_distance (ids)', ts.token_edit_distance, 'token_edit_distance', String(ref?.token_edit_distance_impl ?? 'python-Levenshtein'));
line('token_edit_distance (with BPE)', ts.token_edit_distance_e2e, '-', '');
line('bleu', ts.bleu, 'bleu', String(ref?.bleu_impl ?? 'nltk'));
line('rougeL', ts.rougeL, '-', '');
line(`chrf_plus_plus (first ${NSLOW.toLocaleString('en')})`, ts.chrfPlusPlus, '-', '');
line(`ter (first ${NSLOW.toLocaleString('en')})`, ts.ter, '-', '');
line(`rougeLsum (first ${NSLOW.toLocaleString('en')})`, ts.rougeLsum, '-', '');
console.log(`\nPython figures measured on the first ${NPY.toLocaleString('en')} samples; Debian packages neither rouge_score nor sacreBLEU (chrF++, TER).`);
