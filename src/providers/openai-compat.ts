import type { Generation, GenerateRequest, LoglikResult, Provider } from '../core/types.js';
import { ProviderError } from '../core/errors.js';
/** Anything that POSTs JSON and returns the parsed body: an HttpPool, or a cache in front of one. */
export interface Poster {
  post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown>;
}

/**
 * Any server that speaks the OpenAI API: vLLM, llama.cpp's server, Ollama, TGI, hosted APIs, and
 * `emergence serve`. Bodies are the ones the official `openai` client sends (checked against its
 * types in openai-compat.test.ts); we keep our own transport (HttpPool) for replicas, retries and
 * back-pressure the official client does not do, and to add no runtime dependency.
 *
 * Log-likelihood of a continuation: /v1/completions with echo and logprobs (as lm-evaluation-harness
 * does for OpenAI-compatible servers): the prompt is context + continuation; the continuation's
 * tokens are those whose text_offset falls inside it (offsets in code points, as Python servers
 * count them); a token straddling the boundary is left out, like lm-eval's separate tokenization.
 */
export interface OpenAICompatOptions {
  readonly name: string;
  readonly model: string;
  readonly api: 'completions' | 'chat';
  readonly pool: Poster;
}

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(what: string): ProviderError {
  return new ProviderError(`unexpected response: ${what}`, { code: 'PROVIDER_BAD_RESPONSE', hint: 'is this an OpenAI-compatible server?' });
}

function firstChoice(res: Json): Record<string, Json> {
  if (!isObj(res) || !Array.isArray(res.choices) || res.choices.length === 0 || !isObj(res.choices[0])) throw bad('no choices');
  return res.choices[0];
}

/** The sampling fields both endpoints share; `n` generations of the one request (the API's n). */
function sampling(req: GenerateRequest, n = 1) {
  return {
    max_tokens: req.maxTokens,
    temperature: req.temperature,
    ...(req.topP !== undefined ? { top_p: req.topP } : {}),
    ...(req.stop.length > 0 ? { stop: [...req.stop] } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    n,
  };
}

/** The /v1/completions body for a generation. */
export function completionBody(model: string, req: GenerateRequest, n = 1) {
  return { model, prompt: req.prompt, ...sampling(req, n), logprobs: 1 };
}

export function chatBody(model: string, req: GenerateRequest, n = 1) {
  return { model, messages: [{ role: 'user' as const, content: req.prompt }], ...sampling(req, n), logprobs: true as const, top_logprobs: 1 };
}

export function echoBody(model: string, context: string, continuation: string) {
  return { model, prompt: context + continuation, max_tokens: 1, temperature: 0, echo: true as const, logprobs: 1 };
}

/** Every choice of a response with n > 1, in the order of their `index` (a server may send them in any order). */
export function parseChoices(res: Json, n: number, one: (res: Json) => Generation): Generation[] {
  if (!isObj(res) || !Array.isArray(res.choices)) throw bad('no choices');
  if (res.choices.length !== n) throw bad(`${res.choices.length} choices for n = ${n}`);
  const byIndex = res.choices.map((c, i) => ({ c, at: isObj(c) && typeof c.index === 'number' ? c.index : i })).sort((a, b) => a.at - b.at);
  return byIndex.map(({ c }) => one({ choices: [c] }));
}

export function parseCompletion(res: Json): Generation {
  const c = firstChoice(res);
  if (typeof c.text !== 'string') throw bad('choices[0].text is not a string');
  let tokenLogprobs: number[] | null = null;
  if (isObj(c.logprobs) && Array.isArray(c.logprobs.token_logprobs)) {
    tokenLogprobs = c.logprobs.token_logprobs.map((v) => (typeof v === 'number' ? v : NaN));
  }
  return { text: c.text, tokenLogprobs, finishReason: typeof c.finish_reason === 'string' ? c.finish_reason : null };
}

export function parseChat(res: Json): Generation {
  const c = firstChoice(res);
  if (!isObj(c.message) || typeof c.message.content !== 'string') throw bad('choices[0].message.content is not a string');
  let tokenLogprobs: number[] | null = null;
  if (isObj(c.logprobs) && Array.isArray(c.logprobs.content)) {
    tokenLogprobs = c.logprobs.content.map((t) => (isObj(t) && typeof t.logprob === 'number' ? t.logprob : NaN));
  }
  return { text: c.message.content, tokenLogprobs, finishReason: typeof c.finish_reason === 'string' ? c.finish_reason : null };
}

const cpLength = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export function parseEcho(res: Json, context: string, continuation: string): LoglikResult {
  const c = firstChoice(res);
  const lp = isObj(c.logprobs) ? c.logprobs : null;
  if (!lp || !Array.isArray(lp.tokens) || !Array.isArray(lp.token_logprobs) || !Array.isArray(lp.text_offset)) {
    throw bad('no echo logprobs (tokens, token_logprobs, text_offset): the server may not support echo');
  }
  const start = cpLength(context);
  const end = start + cpLength(continuation);
  const tokenLogprobs: number[] = [];
  const tokenGreedy: boolean[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < lp.tokens.length; i++) {
    const off = lp.text_offset[i];
    if (typeof off !== 'number' || off < start || off >= end) continue;
    tokens.push(String(lp.tokens[i]));
    const v = lp.token_logprobs[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`token_logprobs[${i}] is ${String(v)}`);
    tokenLogprobs.push(v);
    const top = Array.isArray(lp.top_logprobs) ? lp.top_logprobs[i] : null;
    let greedy = true;
    if (isObj(top)) {
      let best = -Infinity;
      for (const x of Object.values(top)) if (typeof x === 'number' && x > best) best = x;
      greedy = v >= best - 1e-6;
    }
    tokenGreedy.push(greedy);
  }
  if (tokenLogprobs.length === 0 && continuation.length > 0) throw bad('no echoed tokens inside the continuation');
  let loglik = 0;
  for (const v of tokenLogprobs) loglik += v;
  return { tokens, loglik, greedy: tokenGreedy.every(Boolean), tokenLogprobs, tokenGreedy };
}

export function openAICompat(o: OpenAICompatOptions): Provider {
  return {
    id: `${o.name}`,
    canScore: o.api === 'completions',
    async generate(req, signal) {
      if (o.api === 'chat') return parseChat(await o.pool.post('/v1/chat/completions', chatBody(o.model, req), signal));
      return parseCompletion(await o.pool.post('/v1/completions', completionBody(o.model, req), signal));
    },
    async sample(req, n, signal) {
      if (o.api === 'chat') return parseChoices(await o.pool.post('/v1/chat/completions', chatBody(o.model, req, n), signal), n, parseChat);
      return parseChoices(await o.pool.post('/v1/completions', completionBody(o.model, req, n), signal), n, parseCompletion);
    },
    async loglikelihood(context, continuation, signal) {
      if (o.api !== 'completions') {
        throw new ProviderError('scoring a given continuation needs /v1/completions with echo', { code: 'PROVIDER_CANNOT_SCORE', hint: 'use api: completions for multiple-choice and log-likelihood tasks' });
      }
      return parseEcho(await o.pool.post('/v1/completions', echoBody(o.model, context, continuation), signal), context, continuation);
    },
  };
}
