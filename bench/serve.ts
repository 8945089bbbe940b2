/**
 * bench/serve: first the engine's decode speed in process (generateBatch with the KV cache, size xl
 * at a context of 64: an 8-token prompt, then 56 tokens per row) at batch 1 and 64; then completion
 * tokens/s and requests/s of `emergence serve` (its own process) for the largest arithmetic model
 * (size xl, 0.8M parameters), at concurrency 1, 8 and 64: 3-digit sums, 5 tokens each, greedy.
 *   node dist/bench/serve.js [--requests N]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeRng } from '../src/core/random/rng.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { Gpt, NAMED_SIZES } from '../src/zoo/gpt.js';
import { generateBatch } from '../src/zoo/generate.js';
import { kernelsKind } from '../src/zoo/engine/kernels.js';
import { CharTokenizer } from '../src/zoo/char-tokenizer.js';
import { saveCheckpoint } from '../src/zoo/checkpoint.js';
import { nodeTransport } from '../src/providers/transport.js';

const { values } = parseArgs({ options: { requests: { type: 'string' } } });
const N = Number(values.requests ?? 400);

{
  const ctxLen = 64, promptLen = 8;
  const m = new Gpt({ ...NAMED_SIZES.xl!, vocabSize: new CharTokenizer().vocabSize, blockSize: ctxLen }, loadGemm());
  m.init(makeRng(3));
  const prompt = Int32Array.from({ length: promptLen }, (_, i) => (i * 5) % m.config.vocabSize);
  console.log(`bench/serve decode: ${m.numParams.toLocaleString('en')} parameters, ${promptLen}-token prompt + ${ctxLen - promptLen} generated tokens per row, greedy, ${kernelsKind()} kernels`);
  for (const batch of [1, 64]) {
    const rows = Array.from({ length: batch }, () => ({ prompt, options: { maxTokens: ctxLen - promptLen, temperature: 0 } }));
    generateBatch(m, rows.slice(0, 1)); // warm-up
    const reps = batch === 1 ? 20 : 2;
    const t0 = performance.now();
    let made = 0;
    for (let r = 0; r < reps; r++) for (const g of generateBatch(m, rows)) made += g.tokens.length;
    const s = (performance.now() - t0) / 1000;
    // Each row feeds its 8 prompt tokens and all but its last generated token: ctxLen − 1 steps.
    const steps = reps * (ctxLen - 1);
    console.log(`batch ${String(batch).padStart(2)}: ${(made / s).toFixed(0)} generated tokens/s, ${((s / steps) * 1000).toFixed(2)} ms per decode step (${((steps * batch) / s).toFixed(0)} positions/s, prompt included)`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-serve-'));
const tok = new CharTokenizer();
const model = new Gpt({ ...NAMED_SIZES.xl!, vocabSize: tok.vocabSize, blockSize: 12 }, loadGemm());
model.init(makeRng(1)); // speed does not depend on what the weights learned
saveCheckpoint(join(dir, 'xl.safetensors'), model.params, { config: model.config, step: 0 });
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const srv = spawn(process.execPath, [cli, 'serve', '--models', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve) => srv.stdout!.on('data', (d: Buffer) => {
  const m = /emergence serve: (\S+)\/v1 /.exec(String(d));
  if (m) resolve(m[1]!);
}));
const send = nodeTransport(64);
const rng = makeRng(2);
console.log(`bench/serve: ${model.numParams.toLocaleString('en')}-parameter model, ${N} requests per level, 5 completion tokens each (greedy, KV cache)`);
try {
  for (const conc of [1, 8, 64]) {
    let next = 0;
    let tokens = 0;
    let rows = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: conc }, async () => {
      while (next < N) {
        next++;
        const a = 100 + Math.floor(rng.next() * 900);
        const b = 100 + Math.floor(rng.next() * 900);
        const r = await send(`${url}/v1/completions`, JSON.stringify({ model: 'xl', prompt: `${a}+${b}=`, max_tokens: 5, temperature: 0 }), {}, 60_000);
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.text}`);
        tokens += (JSON.parse(r.text) as { usage: { completion_tokens: number } }).usage.completion_tokens;
        rows += Number(r.header('x-emergence-batch-rows') ?? 1);
      }
    }));
    const s = (performance.now() - t0) / 1000;
    console.log(`concurrency ${String(conc).padStart(2)}: ${(N / s).toFixed(0)} requests/s, ${(tokens / s).toFixed(0)} completion tokens/s, mean decode batch ${(rows / N).toFixed(1)} rows`);
  }
} finally {
  srv.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
