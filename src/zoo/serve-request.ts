/**
 * One OpenAI request to `emergence serve`, validated once from `unknown` into what generation needs:
 * the prompts (a string, a list of strings, a list of token ids or a list of such lists, as
 * lm-evaluation-harness's `local-completions` sends them), the sampling options and what the answer
 * carries (n-best log-probabilities, echo, streaming). Field rules follow vLLM's OpenAI server; every
 * refusal is a 400 naming the field.
 */
export class RequestError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly code: string | null = null) {
    super(message);
  }
}

export interface ServedVocab {
  readonly vocabSize: number;
  readonly blockSize: number;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

export interface PromptIn {
  readonly ids: Int32Array;
  readonly text: string;
}

export interface CompletionRequest {
  readonly chat: boolean;
  readonly prompts: readonly PromptIn[];
  readonly n: number;
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number;
  /** The request's seed, or the one the server drew for it when it gave none. */
  readonly seed: number;
  readonly stop: readonly string[];
  /** null: no log-probabilities; k: each token's, and the k best alternatives at each position. */
  readonly logprobs: number | null;
  readonly echo: boolean;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

/** vLLM's default ceiling on n-best log-probabilities (`--max-logprobs`). */
export const MAX_LOGPROBS = 20;
/** Most generation rows (prompts × n) one request may ask for. */
export const MAX_ROWS = 256;

type Json = Record<string, unknown>;
const bad = (param: string, message: string, code = 'invalid_value'): RequestError => new RequestError(400, message, param, code);

export function parseCompletionRequest(body: Json, chat: boolean, vocab: ServedVocab, drawSeed: () => number): CompletionRequest {
  const num = (k: string, dflt: number, ok: (n: number) => boolean, what: string): number => {
    const v = body[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !ok(v)) throw bad(k, `${k} must be ${what}, got ${JSON.stringify(v)}`);
    return v;
  };
  const whole = (n: number): boolean => Number.isInteger(n);
  const maxKey = chat && body.max_tokens == null && body.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = num(maxKey, 16, (x) => whole(x) && x >= 0, 'a whole number >= 0');
  const temperature = num('temperature', 1, (x) => x >= 0 && x <= 2, 'between 0 and 2');
  const topP = num('top_p', 1, (x) => x > 0 && x <= 1, 'in (0, 1]');
  const n = num('n', 1, (x) => whole(x) && x >= 1 && x <= 16, 'a whole number 1..16');
  const seed = body.seed === undefined || body.seed === null ? drawSeed() : num('seed', 0, whole, 'an integer');
  const stopRaw = body.stop;
  const stop = stopRaw === undefined || stopRaw === null ? [] : typeof stopRaw === 'string' ? [stopRaw] : Array.isArray(stopRaw) && stopRaw.every((s) => typeof s === 'string') ? (stopRaw as string[]) : null;
  if (stop === null) throw bad('stop', 'stop must be a string or a list of strings');
  const flag = (k: string): boolean => {
    const v = body[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw bad(k, `${k} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const stream = flag('stream');
  let includeUsage = false;
  if (body.stream_options !== undefined && body.stream_options !== null) {
    const so = body.stream_options;
    if (!stream) throw bad('stream_options', 'stream_options can only be given with stream: true');
    if (typeof so !== 'object' || Array.isArray(so)) throw bad('stream_options', 'stream_options must be an object such as {"include_usage": true}');
    const iu = (so as Json).include_usage;
    if (iu !== undefined && iu !== null && typeof iu !== 'boolean') throw bad('stream_options.include_usage', 'include_usage must be true or false');
    includeUsage = iu === true;
  }
  const kMax = Math.min(MAX_LOGPROBS, vocab.vocabSize);
  let logprobs: number | null;
  if (chat) {
    const on = flag('logprobs');
    const top = body.top_logprobs;
    if (top !== undefined && top !== null) {
      if (!on) throw bad('top_logprobs', 'top_logprobs needs logprobs: true');
      if (typeof top !== 'number' || !whole(top) || top < 0 || top > kMax) throw bad('top_logprobs', `top_logprobs must be a whole number 0..${kMax}, got ${JSON.stringify(top)}`);
    }
    logprobs = on ? Number(top ?? 0) : null;
  } else {
    const lp = body.logprobs;
    if (lp === undefined || lp === null) logprobs = null;
    else if (typeof lp !== 'number' || !whole(lp) || lp < 0 || lp > kMax) throw bad('logprobs', `logprobs must be a whole number 0..${kMax} (the n-best alternatives per token), got ${JSON.stringify(lp)}`);
    else logprobs = lp;
  }
  const echo = !chat && flag('echo');
  const prompts = chat ? [chatPrompt(body.messages, vocab)] : completionPrompts(body.prompt, vocab);
  if (prompts.length * n > MAX_ROWS) throw bad(chat ? 'n' : 'prompt', `${prompts.length} prompts × n = ${n} is more than ${MAX_ROWS} generations in one request`);
  return { chat, prompts, n, maxTokens, temperature, topP, seed, stop, logprobs, echo, stream, includeUsage };
}

function checked(ids: Int32Array, param: string, vocab: ServedVocab): Int32Array {
  if (ids.length === 0) throw bad(param, `${param} is empty`);
  if (ids.length > vocab.blockSize) throw new RequestError(400, `This model's maximum context length is ${vocab.blockSize} tokens; ${param} has ${ids.length}.`, param, 'context_length_exceeded');
  return ids;
}

function fromText(text: string, param: string, vocab: ServedVocab): PromptIn {
  let ids: Int32Array;
  try {
    ids = vocab.encode(text);
  } catch (e) {
    throw bad(param, `${param} has characters outside the model's vocabulary: ${(e as Error).message}`);
  }
  return { ids: checked(ids, param, vocab), text };
}

function fromIds(v: readonly unknown[], param: string, vocab: ServedVocab): PromptIn {
  v.forEach((t, j) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= vocab.vocabSize) {
      throw bad(param, `${param}[${j}]: token id ${JSON.stringify(t)} is outside the vocabulary 0..${vocab.vocabSize - 1}`);
    }
  });
  const ids = checked(Int32Array.from(v as number[]), param, vocab);
  return { ids, text: vocab.decode(ids) };
}

/** prompt: a string, a list of strings, a list of token ids, or a list of lists of token ids. */
function completionPrompts(p: unknown, vocab: ServedVocab): PromptIn[] {
  if (p === undefined || p === null) throw bad('prompt', 'prompt is required: a string, a list of strings, a list of token ids or a list of such lists', 'missing_required_parameter');
  if (typeof p === 'string') return [fromText(p, 'prompt', vocab)];
  if (!Array.isArray(p) || p.length === 0) throw bad('prompt', 'prompt must be a string, a list of strings, a list of token ids or a list of such lists');
  if (p.every((x) => typeof x === 'number')) return [fromIds(p, 'prompt', vocab)];
  return p.map((x, i) => {
    if (typeof x === 'string') return fromText(x, `prompt[${i}]`, vocab);
    if (Array.isArray(x)) return fromIds(x, `prompt[${i}]`, vocab);
    throw bad(`prompt[${i}]`, `prompt[${i}] must be a string or a list of token ids, got ${x === null ? 'null' : typeof x}`);
  });
}

/** The messages' contents in order (no chat template: the lab's models are trained on plain text). */
function chatPrompt(msgs: unknown, vocab: ServedVocab): PromptIn {
  if (msgs === undefined || msgs === null) throw bad('messages', 'messages is required: a non-empty list of {role, content}', 'missing_required_parameter');
  if (!Array.isArray(msgs) || msgs.length === 0) throw bad('messages', 'messages must be a non-empty list of {role, content}');
  const parts = msgs.map((m, i) => {
    if (typeof m !== 'object' || m === null) throw bad(`messages[${i}]`, `messages[${i}] must be an object {role, content}`);
    const c = (m as Json).content;
    if (typeof c === 'string') return c;
    // The content-parts form the openai client also sends: [{type: 'text', text}].
    if (Array.isArray(c) && c.every((x) => typeof x === 'object' && x !== null && (x as Json).type === 'text' && typeof (x as Json).text === 'string')) return c.map((x) => (x as { text: string }).text).join('');
    throw bad(`messages[${i}].content`, `messages[${i}].content must be a string or a list of {type: "text", text} parts`);
  });
  return fromText(parts.join(''), 'messages', vocab);
}
