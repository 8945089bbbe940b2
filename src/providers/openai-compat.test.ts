import { describe, expect, it } from 'vitest';
import type { Completion, CompletionCreateParamsNonStreaming } from 'openai/resources/completions';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { chatBody, completionBody, echoBody, parseChat, parseChoices, parseCompletion, parseEcho } from './openai-compat.js';

/*
 * We keep our own transport (replicas, retries, back-pressure) but speak exactly the official
 * client's dialect: these assignments are checked by the compiler (npm test runs tsc --noEmit), and
 * the parsers are fed responses typed by the official `openai` package.
 */
const req = { prompt: '12+34=', maxTokens: 8, temperature: 0, stop: ['\n'], seed: 3 };

describe('requests have the official client’s types', () => {
  it('completions, chat and echo bodies', () => {
    const c: CompletionCreateParamsNonStreaming = completionBody('m', req);
    const ch: ChatCompletionCreateParamsNonStreaming = chatBody('m', req);
    const e: CompletionCreateParamsNonStreaming = echoBody('m', 'ctx ', 'cont');
    expect(c).toMatchObject({ model: 'm', prompt: '12+34=', max_tokens: 8, stop: ['\n'], seed: 3, logprobs: 1 });
    expect(ch.messages).toEqual([{ role: 'user', content: '12+34=' }]);
    expect(e).toMatchObject({ echo: true, prompt: 'ctx cont', logprobs: 1 });
  });
});

describe('responses typed by the official client parse', () => {
  const completion: Completion = {
    id: 'c', object: 'text_completion', created: 0, model: 'm',
    choices: [{ index: 0, text: '46', finish_reason: 'stop', logprobs: { tokens: ['4', '6'], token_logprobs: [-0.1, -0.2], text_offset: [0, 1] } }],
  };
  it('n choices, in the order of their index', () => {
    const c16: CompletionCreateParamsNonStreaming = completionBody('m', req, 16);
    expect(c16.n).toBe(16);
    const many: Completion = { ...completion, choices: [{ ...completion.choices[0]!, index: 1, text: 'b' }, { ...completion.choices[0]!, index: 0, text: 'a' }] };
    expect(parseChoices(many, 2, parseCompletion).map((g) => g.text)).toEqual(['a', 'b']);
    expect(() => parseChoices(many, 3, parseCompletion)).toThrow(/2 choices for n = 3/);
  });
  it('a completion', () => {
    expect(parseCompletion(completion)).toEqual({ text: '46', tokenLogprobs: [-0.1, -0.2], finishReason: 'stop' });
  });
  it('a chat completion with logprobs', () => {
    const chat: ChatCompletion = {
      id: 'x', object: 'chat.completion', created: 0, model: 'm',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hi', refusal: null }, logprobs: { content: [{ token: 'hi', logprob: -0.5, bytes: null, top_logprobs: [] }], refusal: null } }],
    };
    expect(parseChat(chat)).toEqual({ text: 'hi', tokenLogprobs: [-0.5], finishReason: 'stop' });
  });
  it('an echo: the continuation tokens by text offset (code points), greedy from top_logprobs', () => {
    const echo: Completion = {
      id: 'e', object: 'text_completion', created: 0, model: 'm',
      choices: [{
        index: 0, text: 'Q😀: 46x', finish_reason: 'length',
        logprobs: { tokens: ['Q', '😀', ':', ' ', '4', '6', 'x'], token_logprobs: [null as unknown as number, -1, -1, -1, -0.2, -2, -1], top_logprobs: [{}, {}, {}, {}, { '4': -0.2 }, { '7': -0.1 }, {}], text_offset: [0, 1, 2, 3, 4, 5, 6] },
      }],
    };
    const r = parseEcho(echo, 'Q😀: ', '46');
    expect(r.tokenLogprobs).toEqual([-0.2, -2]);
    expect(r.tokenGreedy).toEqual([true, false]);
    expect(r.loglik).toBeCloseTo(-2.2, 12);
    expect(r.greedy).toBe(false);
  });
  it('a response without choices is a provider error', () => {
    expect(() => parseCompletion({ id: 'x' })).toThrow(/unexpected response: no choices/);
  });
});
