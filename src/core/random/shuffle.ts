import type { Rng } from './rng.js';

/** Shuffles `a` in place with a seeded Fisher–Yates (Knuth's Algorithm P) and returns it: every order equally likely. */
export function shuffle<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
