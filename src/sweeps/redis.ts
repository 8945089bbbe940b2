import { Redis } from 'ioredis';
import { ConfigError } from '../core/errors.js';

/**
 * The Redis a sweep's queue lives on. A URL may carry a password (redis://:secret@host:6379): it
 * is used to connect and never printed; every message names the URL with the password masked.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/([^@/]*)@/, '//***@');
  }
}

/**
 * Connects, or throws one ConfigError naming the (masked) URL: an unreachable Redis is a wrong
 * --redis, not a bug. Once connected, a dropped connection is retried (a Redis restart does not end
 * a worker); the queue needs `maxRetriesPerRequest: null` for its blocking reads.
 */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  const shown = redactUrl(url);
  if (!/^rediss?:\/\//.test(url)) throw new ConfigError(`expected a redis:// or rediss:// URL, got ${JSON.stringify(shown)}`, { code: 'USAGE', field: '--redis' });
  let connected = false;
  let last: Error | null = null;
  const redis = new Redis(url, {
    lazyConnect: true, maxRetriesPerRequest: null, connectTimeout: timeoutMs, enableOfflineQueue: true,
    // ioredis waits this long for a socket to close on disconnect; a refused one never reports it, so the process would linger.
    disconnectTimeout: 200,
    retryStrategy: (times) => (connected ? Math.min(200 * times, 5000) : null),
  });
  redis.on('error', (e: Error) => {
    last = e;
  });
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
    return redis;
  } catch (e) {
    redis.disconnect();
    const why = (last as Error | null)?.message ?? (e as Error).message;
    throw new ConfigError(`cannot reach Redis at ${shown}: ${why.replace(url, shown)}`, {
      code: 'REDIS_UNREACHABLE', field: '--redis', hint: 'is redis-server running there (scripts/install-deps.sh installs it; redis-server --port 6379 starts one)? without --redis a sweep runs in this process',
    });
  }
}
