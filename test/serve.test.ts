import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, emergenceAsync } from './cli.js';
import { loadGemm } from '../src/zoo/engine/gemm.js';
import { ArithmeticTrainer } from '../src/zoo/train-arith.js';
import { saveCheckpoint } from '../src/zoo/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'emergence-serve-'));
let server: ChildProcess;
let url = '';
let client: OpenAI;

beforeAll(async () => {
  // A small 2-digit adder, trained for a few seconds, as `emergence train` would save it.
  const t = new ArithmeticTrainer({ digits: 2, operation: 'add', model: { nLayer: 2, nHead: 2, nEmbd: 32 }, steps: 300, batch: 32, lr: 3e-3, warmup: 20, weightDecay: 0.1, seed: 1, evalEvery: 0, evalSize: 50 }, loadGemm());
  for (let s = 0; s < 300; s++) t.trainStep();
  saveCheckpoint(join(dir, 'add2.safetensors'), t.model.params, { config: t.model.config, step: 300 });
  server = spawn(process.execPath, [CLI, 'serve', '--models', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (d: Buffer) => {
      const m = /emergence serve: (\S+)\/v1 /.exec(String(d));
      if (m) resolve(m[1]!);
    });
    server.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
  });
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'not-needed', maxRetries: 0 });
}, 60_000);
afterAll(async () => {
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('emergence serve, through the official openai client', () => {
  it('binds 127.0.0.1 and lists the model', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['add2']);
  });
  it('completions with logprobs', async () => {
    const r = await client.completions.create({ model: 'add2', prompt: '12+34=', max_tokens: 4, temperature: 0, logprobs: 1 });
    const c = r.choices[0]!;
    expect(c.text).toMatch(/^\d{3}\n?$/);
    expect(c.logprobs!.tokens!.length).toBe(Array.from(c.text).length);
    expect(c.logprobs!.token_logprobs!.every((v) => v <= 0)).toBe(true);
  });
  it('concurrent requests are decoded in batches and get exactly the answers they get one at a time', async () => {
    const bodies = Array.from({ length: 24 }, (_, i) => ({
      model: 'add2', prompt: `${10 + i}+${(7 * i) % 90}=`, max_tokens: 3 + (i % 3), logprobs: 1,
      ...(i % 2 ? { temperature: 1, seed: i, n: 2 } : { temperature: 0 }),
    }));
    const post = async (b: object): Promise<{ json: { choices: { text: string; logprobs: { token_logprobs: number[] } }[] }; rows: number }> => {
      const r = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      expect(r.status).toBe(200);
      return { json: await r.json() as never, rows: Number(r.headers.get('x-emergence-batch-rows')) };
    };
    const alone: Awaited<ReturnType<typeof post>>[] = [];
    for (const b of bodies) alone.push(await post(b));
    expect(alone.every((a) => a.rows === (a.json.choices.length))).toBe(true);
    // The first burst opens the connections; on the second, the bodies arrive together.
    await Promise.all(bodies.map(post));
    const together = await Promise.all(bodies.map(post));
    expect(Math.max(...together.map((t) => t.rows))).toBeGreaterThan(2);
    together.forEach((t, i) => {
      expect(t.json.choices.map((c) => c.text)).toEqual(alone[i]!.json.choices.map((c) => c.text));
      t.json.choices.forEach((c, k) => c.logprobs.token_logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(alone[i]!.json.choices[k]!.logprobs.token_logprobs[j]!, 4)));
    });
  });
  it('echo returns the prompt’s own log-probabilities, the first one null', async () => {
    const r = await client.completions.create({ model: 'add2', prompt: '12+34=046', max_tokens: 0, echo: true, logprobs: 1, temperature: 0 });
    const lp = r.choices[0]!.logprobs!;
    expect(lp.tokens!.slice(0, 9).join('')).toBe('12+34=046');
    expect(lp.token_logprobs![0]).toBeNull();
    expect(lp.text_offset!.slice(0, 3)).toEqual([0, 1, 2]);
  });
  it('chat completions with logprobs, and n samples with a seed', async () => {
    const r = await client.chat.completions.create({ model: 'add2', messages: [{ role: 'user', content: '21+43=' }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 1 });
    expect(r.choices[0]!.message.content).toMatch(/^\d{3}/);
    expect(r.choices[0]!.logprobs!.content!.length).toBeGreaterThan(0);
    const a = await client.completions.create({ model: 'add2', prompt: '50+50=', max_tokens: 4, temperature: 1, n: 3, seed: 7 });
    const b = await client.completions.create({ model: 'add2', prompt: '50+50=', max_tokens: 4, temperature: 1, n: 3, seed: 7 });
    expect(a.choices.map((c) => c.text)).toEqual(b.choices.map((c) => c.text));
  });
  it('bad requests get OpenAI-style 4xx errors, never a crash', async () => {
    await expect(client.completions.create({ model: 'nope', prompt: '1+1=' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(client.completions.create({ model: 'add2', prompt: '1+1=', max_tokens: -1 })).rejects.toMatchObject({ status: 400, param: 'max_tokens' });
    await expect(client.completions.create({ model: 'add2', prompt: '1+1='.repeat(20) })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
    const bad = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "add2", ' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    expect((await client.models.list()).data).toHaveLength(1); // still up
  });
  it('streams completions as server-sent events through the openai client, the same text and log-probabilities as without', async () => {
    const body = { model: 'add2', prompt: '12+34=', max_tokens: 4, temperature: 0, logprobs: 2 } as const;
    const whole = await client.completions.create(body);
    const stream = await client.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let text = '';
    const lps: number[] = [];
    let finish: string | null = null;
    let usage: { completion_tokens: number } | null | undefined = null;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      for (const c of chunk.choices) {
        text += c.text;
        lps.push(...(c.logprobs?.token_logprobs ?? []));
        if (c.finish_reason) finish = c.finish_reason;
      }
    }
    expect(text).toBe(whole.choices[0]!.text);
    expect(lps).toEqual(whole.choices[0]!.logprobs!.token_logprobs);
    expect(finish).toBe(whole.choices[0]!.finish_reason);
    expect(usage!.completion_tokens).toBe(whole.usage!.completion_tokens);
  });
  it('streams chat completions with per-token logprobs and a final usage chunk', async () => {
    const body = { model: 'add2', messages: [{ role: 'user' as const, content: '21+43=' }], max_tokens: 4, temperature: 0, logprobs: true, top_logprobs: 3 };
    const whole = await client.chat.completions.create(body);
    const stream = await client.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let role = '';
    const tops: number[] = [];
    let usage = 0;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage.total_tokens;
      for (const c of chunk.choices) {
        if (c.delta.role) role = c.delta.role;
        text += c.delta.content ?? '';
        for (const e of c.logprobs?.content ?? []) tops.push(e.top_logprobs.length);
      }
    }
    expect(role).toBe('assistant');
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(tops.length).toBe(Array.from(text).length);
    expect(tops.every((k) => k === 3)).toBe(true);
    expect(usage).toBe(whole.usage!.total_tokens);
  });
  it('logprobs: 5 and top_logprobs: 4 return that many alternatives, best first, normalised', async () => {
    const r = await client.completions.create({ model: 'add2', prompt: '12+34=', max_tokens: 3, temperature: 0, logprobs: 5 });
    for (const [j, top] of r.choices[0]!.logprobs!.top_logprobs!.entries()) {
      const vals = Object.values(top);
      expect(vals.length).toBe(5); // greedy: the chosen token is the best one, so no sixth entry
      expect(Math.max(...vals)).toBeCloseTo(r.choices[0]!.logprobs!.token_logprobs![j]!, 6);
      expect(vals.reduce((s, v) => s + Math.exp(v), 0)).toBeLessThanOrEqual(1 + 1e-6);
    }
    const c = await client.chat.completions.create({ model: 'add2', messages: [{ role: 'user', content: '12+34=' }], max_tokens: 2, temperature: 0, logprobs: true, top_logprobs: 4 });
    expect(c.choices[0]!.logprobs!.content!.map((e) => e.top_logprobs.length)).toEqual([4, 4]);
    // With the 15-character vocabulary, all 15 alternatives sum to probability 1.
    const all = await client.completions.create({ model: 'add2', prompt: '12+34=', max_tokens: 1, temperature: 0, logprobs: 15 });
    const every = Object.values(all.choices[0]!.logprobs!.top_logprobs![0]!);
    expect(every.reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 4);
    // The 5 reported are the 5 best of the 15 (digit keys come back in numeric order from JSON, so compare sorted).
    const sorted = (v: number[]): number[] => [...v].sort((a, b) => b - a);
    sorted(Object.values(r.choices[0]!.logprobs!.top_logprobs![0]!)).forEach((v, j) => expect(v).toBeCloseTo(sorted(every)[j]!, 5));
  });
  it('without a seed, temperature-1 samples differ between requests; the same seed gives the same text', async () => {
    const ask = async (seed?: number): Promise<string> => (await client.completions.create({ model: 'add2', prompt: '50+', max_tokens: 12, temperature: 1, n: 4, ...(seed === undefined ? {} : { seed }) })).choices.map((c) => c.text).join('|');
    const unseeded = await Promise.all([ask(), ask(), ask()]);
    expect(new Set(unseeded).size).toBe(3);
    expect(await ask(11)).toBe(await ask(11));
  });
  it("takes lm-eval local-completions' request shapes: token-id lists and prompt lists, choices numbered per prompt", async () => {
    const tok = (s: string): number[] => Array.from(s, (ch) => '0123456789+-*=\n'.indexOf(ch));
    const post = async (b: object): Promise<{ status: number; json: Record<string, unknown> }> => {
      const r = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    // lm-eval's loglikelihood payload (tokenized_requests=True): context + continuation as ids, echo, 1 token.
    const ctx = '12+34=', cont = '046';
    const ll = await post({ model: 'add2', prompt: [tok(ctx + cont), tok('21+43=' + '064')], temperature: 0, max_tokens: 1, logprobs: 1, seed: 1234, echo: true });
    expect(ll.status).toBe(200);
    const choices = ll.json.choices as { index: number; logprobs: { token_logprobs: (number | null)[]; top_logprobs: Record<string, number>[] } }[];
    expect(choices.map((c) => c.index)).toEqual([0, 1]);
    // lm-eval's parse_logprobs: the continuation's tokens are token_logprobs[ctxlen:-1].
    const fromLmEval = choices[0]!.logprobs.token_logprobs.slice(ctx.length, -1) as number[];
    expect(fromLmEval).toHaveLength(cont.length);
    const echoText = await client.completions.create({ model: 'add2', prompt: ctx + cont, max_tokens: 0, echo: true, logprobs: 1, temperature: 0 });
    fromLmEval.forEach((v, j) => expect(v).toBeCloseTo(echoText.choices[0]!.logprobs!.token_logprobs![ctx.length + j]!, 5));
    // lm-eval's generate_until payload: a batch of string prompts with stop sequences and a seed.
    const gen = await post({ model: 'add2', prompt: ['12+34=', '21+43=', '50+50='], max_tokens: 5, temperature: 0, stop: ['\n'], seed: 1234 });
    expect(gen.status).toBe(200);
    const texts = (gen.json.choices as { index: number; text: string }[]).map((c) => c.text);
    for (const [i, p] of ['12+34=', '21+43=', '50+50='].entries()) {
      const alone = await client.completions.create({ model: 'add2', prompt: p, max_tokens: 5, temperature: 0, stop: ['\n'] });
      expect(texts[i]).toBe(alone.choices[0]!.text);
    }
    expect((gen.json.usage as { prompt_tokens: number }).prompt_tokens).toBe(18);
    const oov = await post({ model: 'add2', prompt: [[1, 2, 99]], max_tokens: 1 });
    expect(oov.status).toBe(400);
    expect(JSON.stringify(oov.json)).toMatch(/prompt\[0\]\[2\]: token id 99 is outside the vocabulary 0\.\.14/);
  });
  it('missing fields are clear 400s naming the field, and an oversized body is a 413', async () => {
    const post = async (b: string): Promise<{ status: number; error: { message: string; param: string | null } }> => {
      const r = await fetch(`${url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
      return { status: r.status, error: ((await r.json()) as { error: { message: string; param: string | null } }).error };
    };
    const noModel = await post(JSON.stringify({ prompt: '1+1=' }));
    expect(noModel.status).toBe(400);
    expect(noModel.error).toMatchObject({ param: 'model' });
    expect(noModel.error.message).toMatch(/model is required: one of add2/);
    expect(noModel.error.message).not.toMatch(/undefined/);
    const noPrompt = await post(JSON.stringify({ model: 'add2' }));
    expect(noPrompt).toMatchObject({ status: 400, error: { param: 'prompt' } });
    expect(noPrompt.error.message).toMatch(/prompt is required/);
    await expect(client.chat.completions.create({ model: 'add2' } as never)).rejects.toMatchObject({ status: 400, param: 'messages' });
    await expect(client.completions.create({ model: 'add2', prompt: '1+1=', logprobs: 99 })).rejects.toMatchObject({ status: 400, param: 'logprobs' });
    const huge = await post(JSON.stringify({ model: 'add2', prompt: '1'.repeat(60 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.error.message).toMatch(/limit is 8,388,608/);
    expect((await client.models.list()).data).toHaveLength(1); // still up
  }, 60_000);
  it('a port already in use is one clear error and exit 2, no stack trace', async () => {
    const port = new URL(url).port;
    const r = await emergenceAsync(['serve', '--models', dir, '--port', port]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(r.stderr).toMatch(/--port 0/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('emergence eval runs through it over HTTP, storing target log-probabilities', async () => {
    const cfg = join(dir, 'eval.yaml');
    writeFileSync(cfg, `family: toy\nmodels:\n  - name: add2\n    params: 30000\n    provider: { base_url: ${url}, retry_base_ms: 1 }\ntasks:\n  - name: add2\n    arithmetic: { digits: 2, operation: add, count: 30, seed: 4 }\nshots: 0\nmax_tokens: 4\nmetrics: [exact_match, char_edit_distance, target_loglik, per_token_accuracy]\n`);
    const r = await emergenceAsync(['eval', '--config', cfg, '--store', join(dir, 's.duckdb'), '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { scores: { metric: string; value: number; n: number }[] };
    expect(doc.scores.find((s) => s.metric === 'target_loglik')!.n).toBe(30);
    expect(doc.scores.find((s) => s.metric === 'per_token_accuracy')!.value).toBeGreaterThan(0);
  });
  it("pad_answer makes exact match right on the lab's zero-padded answers; defaults skip BLEU/ROUGE on numbers; the run's tokenizer is the server's and audit agrees", async () => {
    const cfgFor = (pad: boolean): string => `family: toy\nmodels:\n  - name: add2\n    params: 30000\n    provider: { base_url: ${url}, retry_base_ms: 1 }\ntasks:\n  - name: add2\n    arithmetic: { digits: 2, operation: add, count: 40, seed: 5${pad ? ', pad_answer: true' : ''} }\nshots: 0\nmax_tokens: 4\n`;
    const run = async (pad: boolean): Promise<{ scores: { metric: string; value: number; tokenizer: string | null }[]; store: string }> => {
      const cfg = join(dir, `eval-pad-${pad}.yaml`);
      writeFileSync(cfg, cfgFor(pad));
      const store = join(dir, `pad-${pad}.duckdb`);
      const r = await emergenceAsync(['eval', '--config', cfg, '--store', store, '--json', '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return { ...(JSON.parse(r.stdout) as { scores: { metric: string; value: number; tokenizer: string | null }[] }), store };
    };
    const padded = await run(true);
    const plain = await run(false);
    const v = (d: typeof padded, m: string): number => d.scores.find((s) => s.metric === m)!.value;
    // The model answers 046 for 12+34: padded targets make exact match agree with numeric match.
    expect(v(padded, 'exact_match')).toBe(v(padded, 'numeric_match'));
    expect(v(padded, 'numeric_match')).toBeGreaterThan(0);
    expect(v(plain, 'exact_match')).toBeLessThan(v(plain, 'numeric_match'));
    for (const m of ['bleu', 'rouge2', 'rouge1', 'chrf']) expect(padded.scores.map((s) => s.metric)).not.toContain(m);
    const tok = padded.scores.find((s) => s.metric === 'token_edit_distance')!;
    expect(tok.tokenizer).toBe('char');
    // The store's audit, without --tokenizer, re-scores with the run's own tokenizer: the same value.
    const a = await emergenceAsync(['audit', padded.store, '--json', '--all', '--quiet']);
    expect(a.code).toBe(0);
    const curve = (JSON.parse(a.stdout) as { curves: { key: { metric: string }; points: { value: number }[] }[] }).curves.find((c) => c.key.metric === 'token_edit_distance')!;
    expect(curve.points[0]!.value).toBeCloseTo(tok.value, 10);
    // The camelCase spelling is told the field's name.
    const bad = join(dir, 'eval-camel.yaml');
    writeFileSync(bad, cfgFor(false).replace('seed: 5', 'seed: 5, padAnswer: true'));
    const r = await emergenceAsync(['eval', '--config', bad, '--store', join(dir, 'camel.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tasks\[0\]\.arithmetic\.padAnswer.*unknown field.*did you mean pad_answer\?/);
  });
  it('eval against a port where nothing listens fails fast with one clear line', async () => {
    const cfg = join(dir, 'eval-dead.yaml');
    writeFileSync(cfg, 'family: toy\nmodels:\n  - name: add2\n    params: 30000\n    provider: { base_url: http://127.0.0.1:9 }\ntasks:\n  - name: add2\n    arithmetic: { digits: 2, count: 400 }\n');
    const t0 = Date.now();
    const r = await emergenceAsync(['eval', '--config', cfg, '--store', join(dir, 'dead.duckdb')]);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9 \(connection refused: nothing listens there\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
