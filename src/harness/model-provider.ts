import { ConfigError } from '../core/errors.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { makeRng } from '../core/random/rng.js';
import type { Provider, Tokenizer } from '../core/types.js';
import { HttpPool } from '../providers/http-pool.js';
import { openAICompat, type Poster } from '../providers/openai-compat.js';
import { probeServer } from '../providers/preflight.js';
import { DEFAULT_TOKENIZER, checkTokenizerId, tokenizerById } from '../tokenizers/index.js';
import type { ModelConfig } from './config.js';

/**
 * How the harness reaches one model of a config, shared by `emergence eval` and the sweep's workers:
 * the key's header (from the environment, by the name the config gives), the preflight that finds a
 * replica up and the tokenizer the server reports, and the replica pool behind the provider.
 */
export function authHeaders(env: Readonly<Record<string, string | undefined>>, envName: string | null, file: string): Record<string, string> {
  if (envName === null) return {};
  const key = env[envName];
  if (key === undefined || key === '') throw new ConfigError(`environment variable ${envName} is not set`, { code: 'CONFIG_ENV', file, field: 'api_key_env' });
  return { authorization: `Bearer ${key}` };
}

/**
 * Is anything listening? Every replica is probed (a server that is not up is one line in a second, not
 * minutes of retries); the answer names the model's tokenizer: the config's, else the one the servers
 * report, else the default. Throws the first replica's error when none is up.
 */
export async function modelTokenizer(model: ModelConfig, configured: string | null, headers: Readonly<Record<string, string>>, warn: (m: string) => void): Promise<Tokenizer> {
  const probes = await Promise.all(model.provider.baseUrls.map((u) => probeServer(u, headers, Math.min(5000, model.provider.timeoutMs)).then((r) => r, (e: unknown) => e as Error)));
  const up = probes.filter((p): p is Exclude<typeof p, Error> => !(p instanceof Error));
  if (up.length === 0) throw probes[0] as Error;
  for (const p of probes) if (p instanceof Error) warn(`${model.name}: ${p.message}; using the other replicas`);
  for (const p of up) if (p.warning) warn(`${model.name}: ${p.warning}`);
  const listed = up.flatMap((p) => (p.models ?? []).filter((m) => m.id === model.provider.model));
  // Not listed is no error: llama.cpp's server lists its file name and answers to any model name.
  const reported = [...new Set(listed.map((m) => m.tokenizer).filter((t): t is string => t !== null))];
  let id = configured ?? DEFAULT_TOKENIZER;
  if (configured === null && reported.length === 1) {
    try {
      checkTokenizerId(reported[0]!);
      id = reported[0]!;
    } catch {
      warn(`${model.name}: the server reports tokenizer "${reported[0]}", which the lab does not have; token metrics use ${DEFAULT_TOKENIZER}`);
    }
  }
  return tokenizerById(id);
}

/** The replica pool of a model (retry jitter seeded from the run's seed) and the provider over it. */
export function modelPool(model: ModelConfig, o: { headers: Readonly<Record<string, string>>; concurrency: number | null; seed: number; onRetry?: (r: { attempt: number; reason: string }) => void }): HttpPool {
  return new HttpPool({
    baseUrls: model.provider.baseUrls,
    headers: o.headers,
    concurrency: o.concurrency ?? model.provider.concurrency,
    ...(model.provider.rps > 0 ? { rps: model.provider.rps } : {}),
    timeoutMs: model.provider.timeoutMs,
    maxRetries: model.provider.maxRetries,
    retryBaseMs: model.provider.retryBaseMs,
    retryMaxMs: Math.max(model.provider.retryBaseMs, 30_000),
    rng: makeRng(deriveSeed(o.seed, 'retry-jitter', model.name)),
    ...(o.onRetry ? { onRetry: o.onRetry } : {}),
  });
}

export function modelProvider(model: ModelConfig, pool: Poster): Provider {
  return openAICompat({ name: model.name, model: model.provider.model, api: model.provider.api, pool });
}
