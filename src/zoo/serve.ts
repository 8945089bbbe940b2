import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { makeRng } from '../core/random/rng.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import type { Gemm } from './engine/gemm.js';
import { loadCheckpoint } from './checkpoint.js';
import { CharTokenizer } from './char-tokenizer.js';
import { Gpt, type GptConfig } from './gpt.js';
import { DataError } from '../core/errors.js';
import { generateBatch, scoreContinuation, type BatchRow, type Generated } from './generate.js';

/**
 * `emergence serve`: the lab's trained models behind the OpenAI API, so the same harness, metrics and
 * store apply to them as to any fleet. /v1/models, /v1/completions (temperature, top_p, max_tokens,
 * stop, n, seed, logprobs, echo with prompt log-probabilities) and /v1/chat/completions (logprobs,
 * top_logprobs). Tokens are characters. Bad requests get OpenAI-style error objects, never a crash.
 */
interface Loaded {
  readonly name: string;
  readonly model: Gpt;
  readonly tok: CharTokenizer;
  readonly params: number;
}

class RequestError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly code: string | null = null) {
    super(message);
  }
}

export function loadModels(dir: string, gemm: Gemm): Loaded[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.safetensors')).sort();
  return loadModelFiles(files.map((f) => ({ name: basename(f, '.safetensors'), file: join(dir, f) })), gemm);
}

/** Named checkpoints, each served under its name: an experiment serves exactly its plan's members. */
export function loadModelFiles(list: readonly { name: string; file: string }[], gemm: Gemm): Loaded[] {
  return list.map(({ name, file }) => {
    const { params, meta } = loadCheckpoint(file);
    if (meta.arch !== undefined && meta.arch !== 'gpt') throw new DataError(`a ${meta.arch} checkpoint is not a language model; only GPT checkpoints can be served`, { code: 'CHECKPOINT_ARCH', file });
    const model = new Gpt(meta.config, gemm, params);
    // A checkpoint names its tokenizer's alphabet when it is not the arithmetic one.
    const alphabet = typeof meta.alphabet === 'string' ? meta.alphabet : undefined;
    const tok = new CharTokenizer(alphabet);
    if (tok.vocabSize !== model.config.vocabSize) throw new DataError(`the checkpoint's alphabet has ${tok.vocabSize} characters but its model ${model.config.vocabSize} tokens`, { code: 'CHECKPOINT_CORRUPT', file });
    return { name, model, tok, params: model.numParams };
  });
}

type Json = Record<string, unknown>;

/** Validates a request into generation rows (one per choice) and the function that shapes the answer. */
function planCompletion(m: Loaded, body: Json, chat: boolean): { rows: BatchRow[]; respond: (generated: readonly Generated[]) => Json } {
  const num = (k: string, dflt: number, ok: (n: number) => boolean, what: string): number => {
    const v = body[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !ok(v)) throw new RequestError(400, `${k} must be ${what}`, k, 'invalid_value');
    return v;
  };
  const maxTokens = num('max_tokens', 16, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0');
  const temperature = num('temperature', 1, (n) => n >= 0 && n <= 2, 'between 0 and 2');
  const topP = num('top_p', 1, (n) => n > 0 && n <= 1, 'in (0, 1]');
  const n = num('n', 1, (x) => Number.isInteger(x) && x >= 1 && x <= 16, 'a whole number 1..16');
  const seed = num('seed', 0, (x) => Number.isInteger(x), 'an integer');
  const stopRaw = body.stop;
  const stop = stopRaw === undefined || stopRaw === null ? [] : typeof stopRaw === 'string' ? [stopRaw] : Array.isArray(stopRaw) && stopRaw.every((s) => typeof s === 'string') ? (stopRaw as string[]) : null;
  if (stop === null) throw new RequestError(400, 'stop must be a string or a list of strings', 'stop', 'invalid_value');
  let prompt: string;
  if (chat) {
    const msgs = body.messages;
    if (!Array.isArray(msgs) || msgs.length === 0 || !msgs.every((x) => typeof x === 'object' && x !== null && typeof (x as Json).content === 'string')) {
      throw new RequestError(400, 'messages must be a non-empty list of {role, content}', 'messages', 'invalid_value');
    }
    prompt = msgs.map((x) => (x as { content: string }).content).join('');
  } else {
    if (typeof body.prompt !== 'string') throw new RequestError(400, 'prompt must be a string', 'prompt', 'invalid_value');
    prompt = body.prompt;
  }
  let ids: Int32Array;
  try {
    ids = m.tok.encode(prompt);
  } catch (e) {
    throw new RequestError(400, `prompt has characters outside the model's vocabulary: ${(e as Error).message}`, chat ? 'messages' : 'prompt', 'invalid_value');
  }
  const ctx = m.model.config.blockSize;
  if (ids.length === 0) throw new RequestError(400, 'prompt is empty', 'prompt', 'invalid_value');
  if (ids.length > ctx) throw new RequestError(400, `This model's maximum context length is ${ctx} tokens; the prompt has ${ids.length}.`, chat ? 'messages' : 'prompt', 'context_length_exceeded');
  const logprobsN = chat ? (body.logprobs === true ? Number(body.top_logprobs ?? 0) : null) : body.logprobs === undefined || body.logprobs === null ? null : Number(body.logprobs);
  const echo = !chat && body.echo === true;
  const rows: BatchRow[] = Array.from({ length: n }, (_, i) => ({ prompt: ids, options: { maxTokens, temperature, topP, rng: makeRng(deriveSeed(seed, 'choice', i)), stopTokens: [] } }));
  const respond = (generated: readonly Generated[]): Json => {
    const choices: Json[] = [];
    let completionTokens = 0;
    for (let i = 0; i < n; i++) {
      const g = generated[i]!;
      let text = m.tok.decode(g.tokens);
      let toks = g.tokens;
      let lps = g.logprobs;
      let finish: string = g.finishReason;
      for (const s of stop) {
        const at = s === '' ? -1 : text.indexOf(s);
        if (at >= 0) {
          text = text.slice(0, at);
          toks = toks.slice(0, Array.from(text).length);
          lps = lps.slice(0, toks.length);
          finish = 'stop';
        }
      }
      completionTokens += toks.length;
      const genTokens = toks.map((t) => m.tok.decode([t]));
      if (chat) {
        choices.push({
          index: i, finish_reason: finish, message: { role: 'assistant', content: text, refusal: null },
          logprobs: logprobsN === null ? null : { content: genTokens.map((t, j) => ({ token: t, logprob: lps[j]!, bytes: Array.from(Buffer.from(t)), top_logprobs: logprobsN > 0 ? [{ token: m.tok.decode([g.topTokens[j]!]), logprob: g.topLogprobs[j]!, bytes: null }] : [] })), refusal: null },
        });
        continue;
      }
      let lp: Json | null = null;
      if (logprobsN !== null) {
        const tokens: string[] = [];
        const tokenLps: (number | null)[] = [];
        const top: (Record<string, number> | null)[] = [];
        const offsets: number[] = [];
        if (echo) {
          const scored = ids.length > 1 ? scoreContinuation(m.model, ids.subarray(0, 1), ids.subarray(1)) : null;
          Array.from(prompt).forEach((ch, j) => {
            tokens.push(ch);
            offsets.push(j);
            tokenLps.push(j === 0 ? null : scored!.tokenLogprobs[j - 1]!);
            top.push(j === 0 ? null : { [m.tok.decode([scored!.topTokens[j - 1]!])]: scored!.topLogprobs[j - 1]! });
          });
        }
        const base = echo ? Array.from(prompt).length : 0;
        genTokens.forEach((t, j) => {
          tokens.push(t);
          tokenLps.push(lps[j]!);
          top.push({ [m.tok.decode([g.topTokens[j]!])]: g.topLogprobs[j]! });
          offsets.push(base + j);
        });
        lp = { tokens, token_logprobs: tokenLps, top_logprobs: top, text_offset: offsets };
      }
      choices.push({ index: i, text: (echo ? prompt : '') + text, finish_reason: finish, logprobs: lp });
    }
    const created = Math.floor(Date.now() / 1000);
    return chat
      ? { id: `chatcmpl-${created}`, object: 'chat.completion', created, model: m.name, choices, usage: { prompt_tokens: ids.length, completion_tokens: completionTokens, total_tokens: ids.length + completionTokens } }
      : { id: `cmpl-${created}`, object: 'text_completion', created, model: m.name, choices, usage: { prompt_tokens: ids.length, completion_tokens: completionTokens, total_tokens: ids.length + completionTokens } };
  };
  return { rows, respond };
}

/** Most rows one forward step carries; more waiting requests go in the next batch. */
const MAX_BATCH_ROWS = 64;

/**
 * Requests for one model that arrive while the event loop is busy are decoded together: the HTTP
 * bodies that finish in one poll phase queue here, and one generateBatch call serves them all.
 */
class Batcher {
  private queue: { rows: BatchRow[]; resolve: (r: { generated: Generated[]; batchRows: number }) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  constructor(private readonly model: Gpt) {}

  /** The rows' generations, and how many rows the batch that carried them had. */
  run(rows: BatchRow[]): Promise<{ generated: Generated[]; batchRows: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    let take = 0, count = 0;
    while (take < this.queue.length && (take === 0 || count + this.queue[take]!.rows.length <= MAX_BATCH_ROWS)) count += this.queue[take++]!.rows.length;
    const jobs = this.queue.splice(0, take);
    this.scheduled = this.queue.length > 0;
    if (this.scheduled) setImmediate(() => this.flush());
    try {
      const out = generateBatch(this.model, jobs.flatMap((j) => j.rows));
      let at = 0;
      for (const j of jobs) {
        j.resolve({ generated: out.slice(at, at + j.rows.length), batchRows: out.length });
        at += j.rows.length;
      }
    } catch (e) {
      for (const j of jobs) j.reject(e);
    }
  }
}

export async function startModelServer(models: readonly Loaded[], opts: { host: string; port: number }): Promise<{ server: Server; url: string }> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const batchers = new Map(models.map((m) => [m.name, new Batcher(m.model)]));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, obj: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(obj));
    };
    const serverError = (e: unknown): void => send(500, { error: { message: (e as Error).message, type: 'server_error', param: null, code: null } });
    const fail = (e: RequestError): void => send(e.status, { error: { message: e.message, type: e.status === 404 ? 'not_found_error' : 'invalid_request_error', param: e.param, code: e.code } });
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString('utf8');
      if (raw.length > 1_000_000) req.destroy();
    });
    req.on('end', () => {
      try {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === '/v1/models') {
          return send(200, { object: 'list', data: models.map((m) => ({ id: m.name, object: 'model', created: 0, owned_by: 'emergence-lab', parameters: m.params })) });
        }
        if (req.method !== 'POST' || (path !== '/v1/completions' && path !== '/v1/chat/completions')) throw new RequestError(404, `no route ${req.method} ${path}`);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          throw new RequestError(400, 'the request body is not valid JSON', null, 'invalid_json');
        }
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new RequestError(400, 'the request body must be a JSON object');
        const b = body as Json;
        const m = typeof b.model === 'string' ? byName.get(b.model) : undefined;
        if (!m) throw new RequestError(404, `The model \`${String(b.model)}\` does not exist`, 'model', 'model_not_found');
        if (b.stream === true) throw new RequestError(400, 'streaming is not supported', 'stream', 'unsupported_value');
        const plan = planCompletion(m, b, path === '/v1/chat/completions');
        // The batch size goes back in a header so a client (and the tests) can see batching happen.
        batchers.get(m.name)!.run(plan.rows).then((r) => send(200, plan.respond(r.generated), { 'x-emergence-batch-rows': String(r.batchRows) }), serverError);
      } catch (e) {
        if (e instanceof RequestError) fail(e);
        else serverError(e);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return { server, url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` };
}
