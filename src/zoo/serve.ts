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
import { parseCompletionRequest, RequestError, type CompletionRequest } from './serve-request.js';
import { applyStop, streamEvents, wholeResponse, type ChoiceOut, type TokenOut } from './serve-response.js';

/**
 * `emergence serve`: the lab's trained models behind the OpenAI API, so the same harness, metrics and
 * store apply to them as to any fleet, and so do vLLM's clients: /v1/models, /v1/completions (prompt
 * as text, token ids or lists of either; temperature, top_p, max_tokens, stop, n, seed, n-best
 * logprobs, echo with prompt log-probabilities) and /v1/chat/completions (logprobs, top_logprobs),
 * both with SSE streaming. Tokens are characters. Bad requests get OpenAI-style error objects, never
 * a crash. A request without a seed gets one from the server's `drawSeed`, so unseeded sampling
 * differs between requests, as it does on vLLM.
 */
interface Loaded {
  readonly name: string;
  readonly model: Gpt;
  readonly tok: CharTokenizer;
  readonly params: number;
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

/** Generation rows for a validated request (one per prompt × sample), and how to shape their output. */
function planCompletion(m: Loaded, req: CompletionRequest): { rows: BatchRow[]; choices: (generated: readonly Generated[]) => ChoiceOut[] } {
  const k = req.logprobs ?? 0;
  const rows: BatchRow[] = req.prompts.flatMap((p, pi) => Array.from({ length: req.n }, (_, i) => ({
    prompt: p.ids,
    // One seed stream per choice, numbered as the choices are, so a prompt's samples do not depend on its neighbours'.
    options: { maxTokens: req.maxTokens, temperature: req.temperature, topP: req.topP, rng: makeRng(deriveSeed(req.seed, 'choice', pi * req.n + i)), stopTokens: [], topLogprobs: k },
  })));
  const tok = (id: number): string => m.tok.decode([id]);
  const choices = (generated: readonly Generated[]): ChoiceOut[] => {
    // The prompt's own log-probabilities, once per prompt: a teacher-forced forward over it.
    const echoed = req.prompts.map((p): TokenOut[] => {
      if (!req.echo) return [];
      const scored = req.logprobs !== null && p.ids.length > 1 ? scoreContinuation(m.model, p.ids.subarray(0, 1), p.ids.subarray(1), k) : null;
      return Array.from(p.ids, (id, j) => ({ text: tok(id), logprob: j === 0 || !scored ? null : scored.tokenLogprobs[j - 1]!, alternatives: j === 0 || !scored ? [] : scored.alternatives[j - 1]! }));
    });
    return generated.map((g, index) => {
      const prompt = Math.floor(index / req.n);
      const all = g.tokens.map((id, j): TokenOut => ({ text: tok(id), logprob: g.logprobs[j]!, alternatives: g.alternatives[j] ?? [] }));
      const cut = applyStop(all, req.stop, g.finishReason);
      return { index, prompt, echoed: echoed[prompt]!, tokens: cut.tokens, finishReason: cut.finishReason };
    });
  };
  return { rows, choices };
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

/** Largest request body accepted; a bigger one is read to its end and refused with 413. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** A seed for each request that gives none (the CLI draws them at random, or from --seed). */
  readonly drawSeed: () => number;
  readonly maxBodyBytes?: number;
}

export async function startModelServer(models: readonly Loaded[], opts: ServeOptions): Promise<{ server: Server; url: string }> {
  const byName = new Map(models.map((m) => [m.name, m]));
  const batchers = new Map(models.map((m) => [m.name, new Batcher(m.model)]));
  const limit = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  let served = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, obj: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(obj));
    };
    const serverError = (e: unknown): void => {
      if (res.headersSent) res.destroy(e as Error);
      else send(500, { error: { message: (e as Error).message, type: 'server_error', param: null, code: null } });
    };
    const fail = (e: RequestError): void => send(e.status, { error: { message: e.message, type: e.status === 404 ? 'not_found_error' : 'invalid_request_error', param: e.param, code: e.code } });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Past the limit the rest is read and dropped, so the client sees the 413, not a reset connection.
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => {
      try {
        if (size > limit) throw new RequestError(413, `the request body is ${size.toLocaleString('en')} bytes; the limit is ${limit.toLocaleString('en')}`, null, 'request_too_large');
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && path === '/v1/models') {
          return send(200, { object: 'list', data: models.map((m) => ({ id: m.name, object: 'model', created: 0, owned_by: 'emergence-lab', parameters: m.params, max_model_len: m.model.config.blockSize, tokenizer: 'char' })) });
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
        const names = models.map((x) => x.name).join(', ');
        if (b.model === undefined || b.model === null) throw new RequestError(400, `model is required: one of ${names}`, 'model', 'missing_required_parameter');
        if (typeof b.model !== 'string') throw new RequestError(400, `model must be a string: one of ${names}`, 'model', 'invalid_value');
        const m = byName.get(b.model);
        if (!m) throw new RequestError(404, `The model \`${b.model}\` does not exist (served: ${names})`, 'model', 'model_not_found');
        const chat = path === '/v1/chat/completions';
        const vocab = { vocabSize: m.model.config.vocabSize, blockSize: m.model.config.blockSize, encode: (t: string) => m.tok.encode(t), decode: (ids: ArrayLike<number>) => m.tok.decode(ids) };
        const parsed = parseCompletionRequest(b, chat, vocab, opts.drawSeed);
        const plan = planCompletion(m, parsed);
        const created = Math.floor(Date.now() / 1000);
        const meta = { id: `${chat ? 'chatcmpl' : 'cmpl'}-${created.toString(36)}${(served++).toString(36)}`, created, model: m.name };
        // The batch size goes back in a header so a client (and the tests) can see batching happen.
        batchers.get(m.name)!.run(plan.rows).then((r) => {
          const choices = plan.choices(r.generated);
          const rowsHeader = { 'x-emergence-batch-rows': String(r.batchRows) };
          if (!parsed.stream) return send(200, wholeResponse(parsed, choices, meta, vocab), rowsHeader);
          // Decoding is one batched call, so the events go out together once it returns.
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...rowsHeader });
          for (const e of streamEvents(parsed, choices, meta, vocab)) res.write(e);
          res.end();
        }).catch(serverError);
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
