import type { Alternative } from './top-k.js';
import type { CompletionRequest, ServedVocab } from './serve-request.js';

/**
 * The answer to one request, whole (a JSON body) or as the server-sent events a streaming client
 * reads (`data: {chunk}` per token, a usage chunk when `stream_options.include_usage`, then
 * `data: [DONE]`), in the shapes vLLM's OpenAI server gives. Completions' `top_logprobs` hold the k
 * best tokens plus the sampled one when it is not among them (vLLM's rule); chat's hold exactly k.
 */
export interface TokenOut {
  readonly text: string;
  readonly logprob: number | null;
  readonly alternatives: readonly Alternative[];
}

/** One choice after stop strings are applied: index = prompt × n + sample, as vLLM numbers them. */
export interface ChoiceOut {
  readonly index: number;
  readonly prompt: number;
  /** Echoed prompt tokens (completions with echo), the first with no log-probability. */
  readonly echoed: readonly TokenOut[];
  readonly tokens: readonly TokenOut[];
  readonly finishReason: 'stop' | 'length';
}

type Json = Record<string, unknown>;

/** Cut a generation at the earliest stop string (the stop string itself is not returned). */
export function applyStop(tokens: readonly TokenOut[], stop: readonly string[], finish: 'stop' | 'length'): { tokens: readonly TokenOut[]; finishReason: 'stop' | 'length' } {
  const text = tokens.map((t) => t.text).join('');
  let cut = -1;
  for (const s of stop) {
    if (s === '') continue;
    const at = text.indexOf(s);
    if (at >= 0 && (cut < 0 || at < cut)) cut = at;
  }
  if (cut < 0) return { tokens, finishReason: finish };
  const kept: TokenOut[] = [];
  let len = 0;
  for (const t of tokens) {
    if (len + t.text.length > cut) break;
    kept.push(t);
    len += t.text.length;
  }
  return { tokens: kept, finishReason: 'stop' };
}

const usageOf = (req: CompletionRequest, choices: readonly ChoiceOut[]): Json => {
  const prompt = req.prompts.reduce((s, p) => s + p.ids.length, 0);
  const completion = choices.reduce((s, c) => s + c.tokens.length, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
};

function completionTop(t: TokenOut, vocab: ServedVocab): Record<string, number> | null {
  if (t.logprob === null) return null;
  const top: Record<string, number> = {};
  for (const a of t.alternatives) top[vocab.decode([a.token])] = a.logprob;
  if (!(t.text in top)) top[t.text] = t.logprob;
  return top;
}

/** The completions `logprobs` object for a run of tokens whose first character sits at `offset`. */
function completionLogprobs(toks: readonly TokenOut[], offset: number, vocab: ServedVocab): Json {
  const text_offset: number[] = [];
  let at = offset;
  for (const t of toks) {
    text_offset.push(at);
    at += Array.from(t.text).length;
  }
  return { tokens: toks.map((t) => t.text), token_logprobs: toks.map((t) => t.logprob), top_logprobs: toks.map((t) => completionTop(t, vocab)), text_offset };
}

const bytes = (s: string): number[] => Array.from(Buffer.from(s, 'utf8'));

function chatEntries(toks: readonly TokenOut[], vocab: ServedVocab): Json[] {
  return toks.map((t) => ({
    token: t.text, logprob: t.logprob, bytes: bytes(t.text),
    top_logprobs: t.alternatives.map((a) => { const s = vocab.decode([a.token]); return { token: s, logprob: a.logprob, bytes: bytes(s) }; }),
  }));
}

const joined = (toks: readonly TokenOut[]): string => toks.map((t) => t.text).join('');

export function wholeResponse(req: CompletionRequest, choices: readonly ChoiceOut[], meta: { id: string; created: number; model: string }, vocab: ServedVocab): Json {
  const head = { id: meta.id, object: req.chat ? 'chat.completion' : 'text_completion', created: meta.created, model: meta.model };
  if (req.chat) {
    return {
      ...head,
      choices: choices.map((c) => ({
        index: c.index, message: { role: 'assistant', content: joined(c.tokens), refusal: null }, finish_reason: c.finishReason,
        logprobs: req.logprobs === null ? null : { content: chatEntries(c.tokens, vocab), refusal: null },
      })),
      usage: usageOf(req, choices),
    };
  }
  return {
    ...head,
    choices: choices.map((c) => {
      const all = [...c.echoed, ...c.tokens];
      return { index: c.index, text: joined(all), finish_reason: c.finishReason, logprobs: req.logprobs === null ? null : completionLogprobs(all, 0, vocab) };
    }),
    usage: usageOf(req, choices),
  };
}

/** The server-sent events of a streamed answer, in order, each a complete `data: …\n\n` frame. */
export function streamEvents(req: CompletionRequest, choices: readonly ChoiceOut[], meta: { id: string; created: number; model: string }, vocab: ServedVocab): string[] {
  const out: string[] = [];
  const head = { id: meta.id, object: req.chat ? 'chat.completion.chunk' : 'text_completion', created: meta.created, model: meta.model };
  const usageNull = req.includeUsage ? { usage: null } : {};
  const emit = (choice: Json): void => void out.push(`data: ${JSON.stringify({ ...head, choices: [choice], ...usageNull })}\n\n`);
  for (const c of choices) {
    if (req.chat) {
      emit({ index: c.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
      for (const t of c.tokens) emit({ index: c.index, delta: { content: t.text }, logprobs: req.logprobs === null ? null : { content: chatEntries([t], vocab), refusal: null }, finish_reason: null });
      emit({ index: c.index, delta: {}, logprobs: null, finish_reason: c.finishReason });
      continue;
    }
    let offset = 0;
    if (c.echoed.length > 0) {
      emit({ index: c.index, text: joined(c.echoed), logprobs: req.logprobs === null ? null : completionLogprobs(c.echoed, 0, vocab), finish_reason: null });
      offset = Array.from(joined(c.echoed)).length;
    }
    for (const t of c.tokens) {
      emit({ index: c.index, text: t.text, logprobs: req.logprobs === null ? null : completionLogprobs([t], offset, vocab), finish_reason: null });
      offset += Array.from(t.text).length;
    }
    emit({ index: c.index, text: '', logprobs: null, finish_reason: c.finishReason });
  }
  if (req.includeUsage) out.push(`data: ${JSON.stringify({ ...head, choices: [], usage: usageOf(req, choices) })}\n\n`);
  out.push('data: [DONE]\n\n');
  return out;
}
