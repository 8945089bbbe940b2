import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ProviderError } from '../core/errors.js';

/**
 * Before a run sends its first request: is anything listening at each replica, and what does it
 * serve? One GET /v1/models per base URL with a short timeout. A connection refused or a timeout is
 * known in a second here, where the pool's retries with backoff would take minutes per sample to
 * say the same thing. Servers without /v1/models (a 404) count as up. `emergence serve` also names
 * each model's tokenizer there, which lets token metrics default to it.
 */
export interface ServedModel {
  readonly id: string;
  /** A tokenizer id the server reports for the model (emergence serve: `char`), when it does. */
  readonly tokenizer: string | null;
}

export interface ProbeResult {
  readonly url: string;
  /** null: the server answered but lists no models (no /v1/models route). */
  readonly models: readonly ServedModel[] | null;
  /** Set when the probe could not tell (a timeout, a reset): the run goes on and the pool retries. */
  readonly warning?: string;
}

export async function probeServer(baseUrl: string, headers: Readonly<Record<string, string>>, timeoutMs = 5000): Promise<ProbeResult> {
  const url = baseUrl.replace(/\/+$/, '');
  let res: { status: number; text: string };
  try {
    res = await get(`${url}/v1/models`, headers, timeoutMs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only "nothing there" is certain; a slow or flaky server is left to the pool's retries.
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') {
      const why = code === 'ECONNREFUSED' ? 'connection refused: nothing listens there' : `${code}: no such host or route`;
      throw new ProviderError(`cannot reach ${url} (${why})`, { code: 'PROVIDER_UNREACHABLE', hint: 'start the server first (emergence serve, vllm serve, llama-server), or fix base_url' });
    }
    return { url, models: null, warning: `${url}/v1/models did not answer (${code ?? (e as Error).message}); going on` };
  }
  if (res.status === 401 || res.status === 403) {
    throw new ProviderError(`${url} refused the credentials (HTTP ${res.status})`, { code: 'PROVIDER_AUTH', hint: 'check the variable api_key_env names' });
  }
  if (res.status < 200 || res.status >= 300) return { url, models: null };
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return { url, models: null };
  }
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return { url, models: null };
  const models = data.flatMap((m): ServedModel[] => {
    if (typeof m !== 'object' || m === null || typeof (m as { id?: unknown }).id !== 'string') return [];
    const t = (m as { tokenizer?: unknown }).tokenizer;
    return [{ id: (m as { id: string }).id, tokenizer: typeof t === 'string' ? t : null }];
  });
  return { url, models };
}

/** One GET with node:http (fetch refuses some ports outright, e.g. 9, which would hide "nothing listens"). */
function get(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', headers: { ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}
