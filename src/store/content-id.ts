import { createHash } from 'node:crypto';

/** A run's id from everything that defines it: the same settings find the same run, any change makes a new one. */
export function contentId(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}
