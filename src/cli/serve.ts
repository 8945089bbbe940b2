import { randomInt } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';
import { deriveSeed } from '../core/random/derive-seed.js';
import { loadGemm } from '../zoo/engine/gemm.js';
import { loadModels, startModelServer } from '../zoo/serve.js';
import type { CliContext } from './context.js';

export const SERVE_HELP = `emergence serve --models DIR [--port N] [--host HOST] [--seed N]

Serves every checkpoint in DIR (*.safetensors from emergence train) over the OpenAI API, as vLLM
does: /v1/models, /v1/completions (prompt as text, token ids or a list of either; temperature, top_p,
max_tokens, stop, n, seed, logprobs: k for the k best tokens, echo) and /v1/chat/completions
(logprobs, top_logprobs), both with stream: true (server-sent events, stream_options.include_usage).
127.0.0.1 unless --host names another address; --port 0 picks a free port.
A request without a seed samples with a fresh random one; --seed N makes those seeds a fixed
sequence instead (the same requests in the same order give the same text).
Point emergence eval (or lm-eval's local-completions) at it like any other server. Ctrl-C stops it.`;

export async function runServe(argv: string[], ctx: CliContext): Promise<number> {
  const stopped = new Promise<void>((r) => {
    process.once('SIGINT', () => r());
    process.once('SIGTERM', () => r());
  });
  const { values } = parseArgs({ args: argv, options: { models: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    ctx.stdout.write(SERVE_HELP + '\n');
    return 0;
  }
  if (!values.models) throw new ConfigError('--models is required', { code: 'USAGE', field: '--models' });
  const dir = resolve(ctx.cwd, values.models);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError('not a directory of checkpoints', { code: 'USAGE', file: values.models, field: '--models' });
  const port = values.port === undefined ? 8471 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`expected a port 0..65535, got ${JSON.stringify(values.port)}`, { code: 'USAGE', field: '--port' });
  const seed = values.seed === undefined ? null : Number(values.seed);
  if (seed !== null && (!Number.isInteger(seed) || seed < 0)) throw new ConfigError(`expected a whole number >= 0, got ${JSON.stringify(values.seed)}`, { code: 'USAGE', field: '--seed' });
  let unseeded = 0;
  // Unseeded requests must differ from each other (as on vLLM): fresh entropy unless --seed fixes the sequence.
  const drawSeed = seed === null ? () => randomInt(2 ** 31) : () => deriveSeed(seed, 'request', unseeded++);
  const models = loadModels(dir, loadGemm((m) => ctx.logger.warn(m)));
  if (models.length === 0) throw new ConfigError('no *.safetensors checkpoints here', { code: 'USAGE', file: values.models, field: '--models', hint: 'train some with emergence train' });
  const host = values.host ?? '127.0.0.1';
  let started: Awaited<ReturnType<typeof startModelServer>>;
  try {
    started = await startModelServer(models, { host, port, drawSeed });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ConfigError(`port ${port} on ${host} is already in use`, { code: 'PORT_IN_USE', field: '--port', hint: 'stop what listens there, or pass --port 0 for a free port' });
    if (code === 'EACCES') throw new ConfigError(`not allowed to listen on port ${port}`, { code: 'PORT_DENIED', field: '--port', hint: 'ports below 1024 need privileges; pick a higher one' });
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ConfigError(`cannot listen on ${host}: no such local address`, { code: 'HOST_UNAVAILABLE', field: '--host' });
    throw e;
  }
  const { server, url } = started;
  ctx.stdout.write(`emergence serve: ${url}/v1 (${models.map((m) => `${m.name} ${m.params.toLocaleString('en')} params`).join(', ')})\n`);
  await stopped;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  setTimeout(() => process.exit(0), 100).unref();
  return 0;
}
