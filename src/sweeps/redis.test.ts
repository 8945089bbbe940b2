import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { connectRedis, redactUrl } from './redis.js';

it('masks the password of a Redis URL, and nothing else', () => {
  expect(redactUrl('redis://:s3cret@queue:6379/2')).toBe('redis://:***@queue:6379/2');
  expect(redactUrl('rediss://user:p%40ss@queue:6380')).toBe('rediss://user:***@queue:6380');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});

it('an unreachable Redis is one ConfigError naming the masked URL on --redis', async () => {
  const port = await new Promise<number>((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const err = await connectRedis(`redis://:topsecret@127.0.0.1:${port}`).then(() => null, (e: unknown) => e as Error & { code: string; field: string });
  expect(err?.code).toBe('REDIS_UNREACHABLE');
  expect(err?.field).toBe('--redis');
  expect(err?.message).toContain(`redis://:***@127.0.0.1:${port}`);
  expect(err?.message).not.toContain('topsecret');
});
