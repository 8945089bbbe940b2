import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A deterministic OpenAI-compatible server on 127.0.0.1 for the harness's integration tests:
 * /v1/models, /v1/completions (logprobs; echo with prompt log-probabilities) and
 * /v1/chat/completions. Character-level "tokens". A model named toy-<skill> answers "a+b=" prompts
 * digit by digit, each digit right with probability p = skill/(skill+1): exact match then falls as
 * p^digits while per-token accuracy stays p (the mirage). Faults can be injected per request.
 */
export type Fault = '429' | '500' | '503' | 'timeout' | 'truncated' | 'reset' | null;

export interface TestServerOptions {
  /** Fault for the i-th request (0-based), or null. */
  readonly fault?: (i: number, path: string) => Fault;
  readonly apiKey?: string;
  readonly latencyMs?: number;
  readonly port?: number;
  /** Requests after the first `after` wait until `open` settles: a test holds a client mid-run without racing a clock. */
  readonly gate?: { readonly after: number; readonly open: Promise<void> };
}

export interface TestServer {
  readonly url: string;
  readonly requests: { path: string; body: string; auth: string | undefined }[];
  count: number;
  close(): Promise<void>;
}

function hash01(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

const skillOf = (model: string): number => Number(/(\d+(\.\d+)?)$/.exec(model)?.[1] ?? '1');

/** The toy model's answer to the last "a+b=" in the prompt, digit by digit. */
function answerFor(model: string, prompt: string, seed: number): { text: string; p: number; truth: string } {
  // The last "a+b=" of the prompt (BIG-bench-style prompts end with "\nA: " after it).
  const all = [...prompt.matchAll(/(\d+)\+(\d+)=/g)];
  const m = all.length > 0 ? all[all.length - 1]! : null;
  const skill = skillOf(model);
  const p = skill / (skill + 1);
  if (!m) return { text: 'x', p, truth: 'x' };
  const truth = String(Number(m[1]) + Number(m[2]));
  let text = '';
  for (let i = 0; i < truth.length; i++) {
    const right = hash01(`${model}|${prompt}|${i}|${seed}`) < p;
    text += right ? truth[i] : String((Number(truth[i]) + 1 + Math.floor(hash01(`${model}|${prompt}|${i}|alt`) * 9)) % 10);
  }
  return { text, p, truth };
}

function logprobsFor(model: string, text: string, offsetBase: number, context: string): { tokens: string[]; token_logprobs: (number | null)[]; top_logprobs: (Record<string, number> | null)[]; text_offset: number[] } {
  const tokens = Array.from(text);
  const out = { tokens, token_logprobs: [] as (number | null)[], top_logprobs: [] as (Record<string, number> | null)[], text_offset: [] as number[] };
  const truth = answerFor(model, context, 0);
  const p = truth.p;
  tokens.forEach((t, i) => {
    out.text_offset.push(offsetBase + i);
    if (offsetBase + i === 0) {
      out.token_logprobs.push(null);
      out.top_logprobs.push(null);
      return;
    }
    // Digits of the true answer get log p; anything else log((1 − p)/9). The top token is the true digit.
    const want = truth.truth[i] ?? t;
    const lp = t === want ? Math.log(p) : Math.log((1 - p) / 9);
    out.token_logprobs.push(lp);
    out.top_logprobs.push({ [p >= 0.1 ? want : t === want ? '#' : t]: Math.max(lp, Math.log(Math.max(p, (1 - p) / 9))) });
  });
  return out;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const state: TestServer = { url: '', requests: [], count: 0, close: async () => {} };
  const hanging = new Set<ServerResponse>();
  const handle = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const i = state.count++;
    state.requests.push({ path: req.url ?? '', body, auth: req.headers.authorization });
    const send = (status: number, obj: unknown, headers: Record<string, string> = {}): void => {
      const text = JSON.stringify(obj);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      return send(401, { error: { message: 'invalid api key', type: 'invalid_request_error' } });
    }
    const fault = opts.fault?.(i, req.url ?? '') ?? null;
    if (fault === '429') return send(429, { error: { message: 'rate limited' } }, { 'retry-after': '0' });
    if (fault === '500') return send(500, { error: { message: 'boom' } });
    if (fault === '503') return send(503, { error: { message: 'overloaded' } });
    if (fault === 'timeout') {
      hanging.add(res);
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (req.url === '/v1/models') return send(200, { object: 'list', data: [{ id: 'toy-1', object: 'model' }] });
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return send(400, { error: { message: 'malformed JSON' } });
    }
    const model = String(j.model ?? 'toy-1');
    let payload: unknown;
    if (req.url === '/v1/completions') {
      const prompt = String(j.prompt ?? '');
      if (j.echo === true) {
        // The continuation is the trailing digits (the harness scores an arithmetic target); the
        // context's own tokens get -1 each. One extra generated token follows, as with max_tokens 1.
        const ctx = prompt.replace(/\d+$/, '');
        const cont = prompt.slice(ctx.length);
        const head = logprobsFor(model, ctx, 0, ctx);
        const tail = logprobsFor(model, cont, Array.from(ctx).length, ctx);
        payload = {
          id: `cmpl-${i}`, object: 'text_completion', created: 0, model,
          choices: [{
            index: 0, text: prompt + 'x', finish_reason: 'length',
            logprobs: {
              tokens: [...head.tokens, ...tail.tokens, 'x'],
              token_logprobs: [...head.token_logprobs.map((v) => (v === null ? null : -1)), ...tail.token_logprobs, -1],
              top_logprobs: [...head.top_logprobs, ...tail.top_logprobs, null],
              text_offset: [...head.text_offset, ...tail.text_offset, Array.from(prompt).length],
            },
          }],
        };
      } else {
        const a = answerFor(model, prompt, Number(j.seed ?? 0));
        const text = a.text + '\n';
        const stop = Array.isArray(j.stop) ? (j.stop as string[]) : [];
        const cut = stop.reduce((acc, s) => (text.indexOf(s) >= 0 ? Math.min(acc, text.indexOf(s)) : acc), text.length);
        payload = {
          id: `cmpl-${i}`, object: 'text_completion', created: 0, model,
          choices: [{ index: 0, text: text.slice(0, cut), finish_reason: 'stop', logprobs: { tokens: Array.from(text.slice(0, cut)), token_logprobs: Array.from(text.slice(0, cut), () => Math.log(a.p)), top_logprobs: null, text_offset: Array.from(text.slice(0, cut), (_, k) => k) } }],
          usage: { prompt_tokens: prompt.length, completion_tokens: cut, total_tokens: prompt.length + cut },
        };
      }
    } else if (req.url === '/v1/chat/completions') {
      const msgs = (j.messages as { content: string }[] | undefined) ?? [];
      const a = answerFor(model, msgs[msgs.length - 1]?.content ?? '', Number(j.seed ?? 0));
      payload = {
        id: `chat-${i}`, object: 'chat.completion', created: 0, model,
        choices: [{ index: 0, message: { role: 'assistant', content: a.text }, finish_reason: 'stop', logprobs: { content: Array.from(a.text, (t) => ({ token: t, logprob: Math.log(a.p), bytes: null, top_logprobs: [] })) } }],
      };
    } else return send(404, { error: { message: `no route ${req.url}` } });
    const text = JSON.stringify(payload);
    if (fault === 'truncated') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(text);
  };
  let arrived = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const go = () => {
        if (opts.latencyMs) setTimeout(() => handle(req, res, body), opts.latencyMs);
        else handle(req, res, body);
      };
      if (opts.gate && arrived++ >= opts.gate.after) void opts.gate.open.then(go);
      else go();
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const h of hanging) h.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
