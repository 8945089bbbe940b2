import { ProviderError } from '../core/errors.js';
import type { Rng } from '../core/random/rng.js';
import { nodeTransport, type Transport } from './transport.js';

/**
 * POST JSON to a set of replicas of one model server, as a fleet needs:
 * - at most `concurrency` requests in flight (a semaphore), optionally at most `rps` per second;
 * - each request goes to the healthy replica with the fewest outstanding requests;
 * - 429, 5xx, timeouts, connection resets and unreadable (e.g. truncated) bodies are retried with
 *   exponential backoff and full jitter (AWS architecture blog, "Exponential Backoff and Jitter"),
 *   waiting at least what a Retry-After header asks;
 * - a replica that fails `ejectAfter` times in a row is set aside for `cooldownMs`.
 * Other 4xx answers are not retried. Headers (the API key) are never logged or returned.
 */
export interface PoolOptions {
  readonly baseUrls: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly rps?: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly ejectAfter?: number;
  readonly cooldownMs?: number;
  readonly rng: Rng;
  /** How a POST goes out (default: node:http with keep-alive); tests pass a scripted one. */
  readonly transport?: Transport;
  readonly onRetry?: (info: { url: string; attempt: number; reason: string; waitMs: number }) => void;
}

interface Replica {
  readonly url: string;
  outstanding: number;
  failures: number;
  asideUntil: number;
}

export interface PoolStats {
  requests: number;
  retries: number;
  failures: number;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Retry-After: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

export class HttpPool {
  readonly stats: PoolStats = { requests: 0, retries: 0, failures: 0 };
  private readonly replicas: Replica[];
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private nextSlot = 0;

  private readonly transport: Transport;

  constructor(private readonly o: PoolOptions) {
    if (o.baseUrls.length === 0) throw new RangeError('HttpPool: no base URLs');
    this.transport = o.transport ?? nodeTransport(Math.max(1, o.concurrency));
    this.replicas = o.baseUrls.map((u) => ({ url: u.replace(/\/+$/, ''), outstanding: 0, failures: 0, asideUntil: 0 }));
  }

  /** Requests holding a slot now: sent and awaiting an answer, or waiting out a retry's back-off. */
  get requestsInFlight(): number {
    return this.inFlight;
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < this.o.concurrency) {
      this.inFlight++;
    } else {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.o.rps && this.o.rps > 0) {
      const now = Date.now();
      const slot = Math.max(now, this.nextSlot);
      this.nextSlot = slot + 1000 / this.o.rps;
      if (slot > now) await sleep(slot - now);
    }
  }

  private release(): void {
    const w = this.waiters.shift();
    if (w) w();
    else this.inFlight--;
  }

  private pick(): Replica {
    const now = Date.now();
    const healthy = this.replicas.filter((r) => r.asideUntil <= now);
    const pool = healthy.length > 0 ? healthy : [this.replicas.reduce((a, b) => (a.asideUntil <= b.asideUntil ? a : b))];
    return pool.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
  }

  /** POST `body` to `path` on some replica; resolves with the parsed JSON body. */
  async post(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const payload = JSON.stringify(body);
    let last = 'no attempt';
    await this.acquire();
    try {
      for (let attempt = 0; attempt <= this.o.maxRetries; attempt++) {
        const r = this.pick();
        r.outstanding++;
        this.stats.requests++;
        let waitHint: number | null = null;
        let retryable = true;
        try {
          const res = await this.transport(`${r.url}${path}`, payload, this.o.headers, this.o.timeoutMs, signal);
          const text = res.text;
          if (res.status >= 200 && res.status < 300) {
            try {
              const parsed = JSON.parse(text) as unknown;
              r.failures = 0;
              return parsed;
            } catch {
              last = `unreadable JSON body from ${r.url} (${text.length} bytes)`;
            }
          } else {
            last = `HTTP ${res.status} from ${r.url}${path}: ${errorMessage(text)}`;
            waitHint = retryAfterMs(res.header('retry-after'));
            retryable = res.status === 429 || res.status >= 500;
            if (!retryable) {
              throw new ProviderError(last, { code: 'PROVIDER_HTTP', hint: res.status === 401 || res.status === 403 ? 'check the API key variable' : 'the server refused the request' });
            }
          }
        } catch (e) {
          if (e instanceof ProviderError) throw e;
          if (signal?.aborted) throw signal.reason;
          const err = e as Error & { code?: string; cause?: { code?: string } };
          last = err.name === 'TimeoutError' ? `timeout after ${this.o.timeoutMs} ms from ${r.url}` : `${err.code ?? err.cause?.code ?? err.name}: ${err.message} (${r.url})`;
        } finally {
          r.outstanding--;
        }
        r.failures++;
        if (r.failures >= (this.o.ejectAfter ?? 3) && this.replicas.length > 1) {
          r.asideUntil = Date.now() + (this.o.cooldownMs ?? 30_000);
          r.failures = 0;
        }
        if (attempt === this.o.maxRetries) break;
        const cap = Math.min(this.o.retryMaxMs, this.o.retryBaseMs * 2 ** attempt);
        const waitMs = Math.max(waitHint ?? 0, this.o.rng.next() * cap);
        this.stats.retries++;
        this.o.onRetry?.({ url: r.url, attempt: attempt + 1, reason: last, waitMs });
        await sleep(waitMs, signal);
      }
    } finally {
      this.release();
    }
    this.stats.failures++;
    throw new ProviderError(`gave up after ${this.o.maxRetries + 1} attempts: ${last}`, { code: 'PROVIDER_UNREACHABLE', hint: 'is the server up? rerun with --resume to continue' });
  }
}

/** The message of an OpenAI-style error object, or the start of the body. */
function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: string } };
    if (j.error?.message) return j.error.message;
  } catch {
    /* not JSON */
  }
  return text.slice(0, 200);
}
